import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Reason } from '../ingest/reason';

// The invalid-events log: every rejected message with its reasons, committed with the request.
@Entity('invalid_event')
@Index('invalid_event_received_idx', ['receivedAt'])
export class InvalidEventEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'invalid_event_pk',
  })
  id!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'source_id', type: 'text' })
  sourceId!: string;

  @Column({ name: 'source_name', type: 'text' })
  sourceName!: string;

  // Null when the message did not even say which call it was.
  @Column({ type: 'text', nullable: true })
  type!: string | null;

  @Column({ type: 'text', nullable: true })
  event!: string | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ name: 'schema_version', type: 'text', nullable: true })
  schemaVersion!: string | null;

  @Column({ type: 'jsonb' })
  reasons!: Reason[];

  // Null when the message was not JSON or larger than the per-message limit.
  @Column({ type: 'jsonb', nullable: true })
  payload!: unknown;
}
