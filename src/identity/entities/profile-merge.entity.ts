import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// The merge log: every merge and unmerge, with what caused it and under which rule.
@Entity('profile_merge')
@Index('profile_merge_from_idx', ['fromProfileId'])
@Index('profile_merge_into_idx', ['intoProfileId'])
export class ProfileMergeEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'profile_merge_pk',
  })
  id!: string;

  // merge | unmerge
  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'from_profile_id', type: 'uuid' })
  fromProfileId!: string;

  @Column({ name: 'into_profile_id', type: 'uuid' })
  intoProfileId!: string;

  // merge: the identities observed together; unmerge: the identity split off.
  @Column({ type: 'jsonb' })
  identities!: { type: string; value: string }[];

  @Column({ name: 'cause_kind', type: 'text' })
  causeKind!: string;

  @Column({ name: 'cause_ref', type: 'text', nullable: true })
  causeRef!: string | null;

  // observed-together | manual | manual-forced | unmerge
  @Column({ type: 'text' })
  rule!: string;

  // When the identities were seen together (the cause's time).
  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  // When Traitbase recorded it: the stamp of the identity moves it made (identity_move).
  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
