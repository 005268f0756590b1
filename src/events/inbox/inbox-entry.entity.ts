import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// Every accepted message, committed before the client gets its 2xx. (source_id, message_id) is
// unique: a retried message is acknowledged again but stored once, for as long as the row is kept
// (at least 7 days). Rows are not updated when applied: what is still to apply is in
// event_inbox_pending; a message that could not be applied gets its reason in `failure`.
@Entity('event_inbox')
@Index('event_inbox_message_uq', ['sourceId', 'messageId'], { unique: true })
@Index('event_inbox_failed_idx', ['id'], { where: 'failure IS NOT NULL' })
// BRIN on received_at (retention deletes), declared in raw SQL in the migration.
@Index('event_inbox_received_brin', { synchronize: false })
export class InboxEntryEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'event_inbox_pk',
  })
  id!: string;

  // The API key (write key) the message came with: the message's source.
  @Column({ name: 'source_id', type: 'text' })
  sourceId!: string;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  // Which ordered worker queue applies it: a hash of the user key.
  @Column({ type: 'smallint' })
  shard!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', nullable: true })
  event!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'schema_version', type: 'text', nullable: true })
  schemaVersion!: string | null;

  // Why the message could not be applied (set when it failed; null otherwise).
  @Column({ type: 'text', nullable: true })
  failure!: string | null;
}
