import { Entity, PrimaryColumn } from 'typeorm';

// The inbox's queue: one row per accepted message not yet applied, written in the statement that
// accepts it and deleted in the transaction that applies it (or marks it failed). Narrow, so
// taking a message off the queue touches neither the payload nor the inbox's indexes.
@Entity('event_inbox_pending')
export class InboxPendingEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'event_inbox_pending_pk' })
  shard!: number;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'event_inbox_pending_pk' })
  id!: string;
}
