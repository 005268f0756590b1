import { Column, Entity, PrimaryColumn } from 'typeorm';

// The hash of the last record delivered for a profile to a destination: a record identical to
// it is not sent again.
@Entity('destination_last_sent')
export class LastSentEntity {
  @PrimaryColumn({
    name: 'destination_id',
    type: 'uuid',
    primaryKeyConstraintName: 'destination_last_sent_pk',
  })
  destinationId!: string;

  @PrimaryColumn({
    name: 'profile_id',
    type: 'uuid',
    primaryKeyConstraintName: 'destination_last_sent_pk',
  })
  profileId!: string;

  @Column({ name: 'payload_hash', type: 'text' })
  payloadHash!: string;

  @Column({ name: 'sent_at', type: 'timestamptz', default: () => 'now()' })
  sentAt!: Date;
}
