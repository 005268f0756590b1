import { Column, Entity, PrimaryColumn } from 'typeorm';

// Messages applied per planned-event key and minute, one row per worker shard so shards never
// contend on a row. Silence detection sums the window it needs.
@Entity('event_rate')
export class EventRateEntity {
  @PrimaryColumn({ name: 'event_key', type: 'text', primaryKeyConstraintName: 'event_rate_pk' })
  eventKey!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'event_rate_pk' })
  minute!: Date;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'event_rate_pk' })
  shard!: number;

  @Column({ type: 'int' })
  count!: number;
}
