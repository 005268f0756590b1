import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// One record waiting for (or done with) delivery to one destination: written by the feed
// consumer in the transaction that moves its cursor, so each change yields its records exactly
// once. `delivery_id` stays the same across retries: receivers deduplicate by it.
@Entity('destination_outbox')
@Index('destination_outbox_due_idx', ['destinationId', 'status', 'id'])
@Index('destination_outbox_profile_idx', ['profileId'])
@Index('destination_outbox_delivery_uq', ['deliveryId'], { unique: true })
export class OutboxRecordEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'destination_outbox_pk',
  })
  id!: string;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId!: string;

  @Column({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  // entered | exited | changed | backfill
  @Column({ type: 'text' })
  reason!: string;

  // The audience (audience:<slug>) or trait whose change caused the record.
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  // The mapped record, with personal values already hashed as the destination's policy says.
  @Column({ type: 'jsonb' })
  payload!: unknown;

  // Field names whose values are personal data sent in clear (the mapping allowed it).
  @Column({ name: 'clear_pii', type: 'text', array: true, default: () => "'{}'" })
  clearPii!: string[];

  // sha256 of the record without its delivery id and time: an identical record is not resent.
  @Column({ name: 'payload_hash', type: 'text' })
  payloadHash!: string;

  @Column({ name: 'feed_position', type: 'bigint', nullable: true })
  feedPosition!: string | null;

  // pending | delivered | skipped (identical to the last delivered) | dead
  @Column({ type: 'text', default: 'pending' })
  status!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  // The last failure (HTTP status or error name), never a response body.
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'done_at', type: 'timestamptz', nullable: true })
  doneAt!: Date | null;
}
