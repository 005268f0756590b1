import { Column, Entity, PrimaryColumn } from 'typeorm';

// The current value of one trait for one profile.
@Entity('trait_value')
export class TraitValueEntity {
  @PrimaryColumn({ name: 'profile_id', type: 'uuid', primaryKeyConstraintName: 'trait_value_pk' })
  profileId!: string;

  @PrimaryColumn({ name: 'trait_id', type: 'int', primaryKeyConstraintName: 'trait_value_pk' })
  traitId!: number;

  @Column({ type: 'jsonb', nullable: true })
  value!: unknown;

  // When the current value was first observed (start of its validity).
  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom!: Date;

  // The latest observation that confirmed the current value; freshness is measured from here.
  @Column({ name: 'last_observed_at', type: 'timestamptz' })
  lastObservedAt!: Date;

  @Column({ name: 'revision_id', type: 'bigint' })
  revisionId!: string;
}
