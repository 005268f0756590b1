import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Dated identity membership (docs/time-travel.md): one row each time a merge or an unmerge moved
// an identity from one profile to another, stamped once the moving transaction held the profiles'
// locks, so stamps follow the order in which moves of the same identity committed. An identity
// that never moved has been on its profile since it was recorded (identity.recorded_at).
@Entity('identity_move')
@Index('identity_move_identity_idx', ['type', 'value', 'recordedAt'])
@Index('identity_move_from_idx', ['fromProfileId'])
export class IdentityMoveEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'identity_move_pk',
  })
  id!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  value!: string;

  @Column({ name: 'from_profile_id', type: 'uuid' })
  fromProfileId!: string;

  @Column({ name: 'to_profile_id', type: 'uuid' })
  toProfileId!: string;

  // Transaction time of the move, which is also when it took effect (valid time).
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
