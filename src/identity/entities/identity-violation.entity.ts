import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Merge protection: an observation that would have broken a per-profile limit. Repeats of the same
// refusal (same identity, same target, same type) count occurrences instead of adding rows.
@Entity('identity_violation')
@Index('identity_violation_uq', ['identityType', 'identityValue', 'targetProfileId', 'limitType'], {
  unique: true,
})
@Index('identity_violation_last_seen_idx', ['lastSeenAt'])
export class IdentityViolationEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'identity_violation_pk',
  })
  id!: string;

  // limit | merge (apply-observation.ts)
  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'identity_type', type: 'text' })
  identityType!: string;

  @Column({ name: 'identity_value', type: 'text' })
  identityValue!: string;

  // Where the identity stayed, and the profile it could not join.
  @Column({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @Column({ name: 'target_profile_id', type: 'uuid' })
  targetProfileId!: string;

  @Column({ name: 'limit_type', type: 'text' })
  limitType!: string;

  @Column({ name: 'limit_value', type: 'int' })
  limitValue!: number;

  @Column({ name: 'would_be', type: 'int' })
  wouldBe!: number;

  @Column({ name: 'cause_kind', type: 'text' })
  causeKind!: string;

  @Column({ name: 'cause_ref', type: 'text', nullable: true })
  causeRef!: string | null;

  @Column({ type: 'int', default: 1 })
  occurrences!: number;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;
}
