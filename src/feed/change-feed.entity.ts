import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { FeedKind, FeedProvenance } from './feed-change';

// The change feed (docs/change-feed.md): one row per committed change to the user model, recorded
// in the transaction that made it. position, xid and at are filled in by the recording statement
// (feed.sql.ts), never by TypeORM.
@Entity('change_feed')
@Index('change_feed_order_idx', ['xid', 'position'])
export class ChangeFeedEntity {
  @PrimaryColumn({ name: 'profile_id', type: 'uuid', primaryKeyConstraintName: 'change_feed_pk' })
  profileId!: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'change_feed_pk' })
  position!: string;

  // The id of the transaction that recorded the row (pg_current_xact_id()).
  @Column({ type: 'bigint' })
  xid!: string;

  @Column({ type: 'bigint' })
  revision!: string;

  @Column({ type: 'text' })
  kind!: FeedKind;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  before!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  provenance!: FeedProvenance | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
