import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

// Looked up by (type, value); profile_id is indexed for the reverse direction.
@Entity('identity')
@Index('identity_profile_id_idx', ['profileId'])
export class IdentityEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'identity_pk' })
  type!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'identity_pk' })
  value!: string;

  @Column({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @Column({ name: 'source_kind', type: 'text' })
  sourceKind!: string;

  @Column({ name: 'first_seen_at', type: 'timestamptz', default: () => 'now()' })
  firstSeenAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  // When the identity was first seen, in the order identity links are numbered in (both draw
  // from identity_replay_seq): an unmerge replays first sightings and links in this order.
  @Column({ type: 'bigint', default: () => "nextval('identity_replay_seq')" })
  seq!: string;

  // When Traitbase recorded the identity (transaction time): reads known at an earlier time do
  // not know it. Null for identities recorded before this was kept: known since always.
  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true, default: () => 'now()' })
  recordedAt!: Date | null;
}
