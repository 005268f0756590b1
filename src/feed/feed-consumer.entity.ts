import { Column, Entity, PrimaryColumn } from 'typeorm';

// Where a durable consumer of the change feed stands: everything up to (xid, position) in feed
// order has been handled, in the same transaction that moved the cursor.
@Entity('feed_consumer')
export class FeedConsumerEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'feed_consumer_pk' })
  name!: string;

  @Column({ type: 'bigint' })
  xid!: string;

  @Column({ type: 'bigint' })
  position!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
