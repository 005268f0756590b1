import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Identities a full refresh has read so far (only for sources with `absent: clear`): at its end,
// values of profiles not seen are cleared. Rows are deleted when the refresh completes.
@Entity('dbt_refresh_seen')
@Index('dbt_refresh_seen_key_idx', ['refreshId', 'identityType', 'identityValue'])
export class DbtRefreshSeenEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'dbt_refresh_seen_pk',
  })
  id!: string;

  @Column({ name: 'refresh_id', type: 'uuid' })
  refreshId!: string;

  @Column({ name: 'identity_type', type: 'text' })
  identityType!: string;

  @Column({ name: 'identity_value', type: 'text' })
  identityValue!: string;
}
