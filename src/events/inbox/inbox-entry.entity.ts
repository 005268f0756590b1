import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const INBOX_STATES = ['received', 'processed', 'failed'] as const;
export type InboxState = (typeof INBOX_STATES)[number];

// Every accepted message, committed before the client gets its 2xx. (source_id, message_id) is
// unique: a retried message is acknowledged again but stored once, for as long as the row is kept
// (at least 7 days). Workers move rows received → processed | failed (with the reason).
@Entity('event_inbox')
@Index('event_inbox_message_uq', ['sourceId', 'messageId'], { unique: true })
@Index('event_inbox_pending_idx', ['shard', 'id'], { where: `state = 'received'` })
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

  @Column({ type: 'text', default: 'received' })
  state!: InboxState;

  @Column({ type: 'text', nullable: true })
  failure!: string | null;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;
}
