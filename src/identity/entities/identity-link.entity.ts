import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// One distinct set of ≥ 2 identities observed together, stored once (by the hash of the sorted
// set), in first-seen order: what an unmerge or a rules preview replays. An unmerge retires the
// links holding the split identity and stores the rest of each at the same position.
@Entity('identity_link')
@Index('identity_link_hash_uq', ['hash'], { unique: true, where: '"retired_at" IS NULL' })
// GIN on member_values (migrations/…-IdentityLinkMembersGin): which links an identity is in.
@Index('identity_link_member_values_gin', { synchronize: false })
export class IdentityLinkEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'identity_link_pk',
  })
  id!: string;

  // Replay order: drawn from identity_replay_seq when the set was first seen (identity.seq).
  @Column({ type: 'bigint' })
  position!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'int' })
  size!: number;

  // The identities of the set, sorted by (type, value); a GIN index on the values finds them.
  @Column({ name: 'member_types', type: 'text', array: true })
  memberTypes!: string[];

  @Column({ name: 'member_values', type: 'text', array: true })
  memberValues!: string[];

  // A manual merge that ignored the limits: replays ignore them too.
  @Column({ type: 'boolean', default: false })
  forced!: boolean;

  @Column({ name: 'cause_kind', type: 'text' })
  causeKind!: string;

  @Column({ name: 'cause_ref', type: 'text', nullable: true })
  causeRef!: string | null;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
