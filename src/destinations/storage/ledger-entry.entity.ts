import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// The data-flow ledger: one row per record that left, with exactly the field values sent
// (hashed where the policy says), to whom, when, why, in which run and what the receiver answered.
@Entity('data_flow_ledger')
@Index('data_flow_ledger_profile_idx', ['profileId', 'deliveredAt'])
@Index('data_flow_ledger_destination_idx', ['destinationId', 'id'])
@Index('data_flow_ledger_delivered_idx', ['deliveredAt'])
export class LedgerEntryEntity {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'data_flow_ledger_pk',
  })
  id!: string;

  @Column({ name: 'destination_id', type: 'uuid' })
  destinationId!: string;

  @Column({ name: 'destination_slug', type: 'text' })
  destinationSlug!: string;

  @Column({ name: 'profile_id', type: 'uuid' })
  profileId!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  // The record's fields as sent (name → value).
  @Column({ type: 'jsonb' })
  fields!: Record<string, unknown>;

  @Column({ name: 'clear_pii', type: 'text', array: true, default: () => "'{}'" })
  clearPii!: string[];

  @Column({ name: 'run_id', type: 'uuid', nullable: true })
  runId!: string | null;

  @Column({ name: 'response_status', type: 'int' })
  responseStatus!: number;

  @Column({ name: 'delivered_at', type: 'timestamptz', default: () => 'now()' })
  deliveredAt!: Date;
}
