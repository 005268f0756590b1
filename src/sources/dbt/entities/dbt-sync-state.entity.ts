import { Column, Entity, PrimaryColumn } from 'typeorm';

// A cursor position: the column it was read from and the text of its value (full precision).
export interface CursorMark {
  column: string;
  value: string;
}

// Per-source sync position. high_water_mark advances only after a batch commits; a full refresh
// in progress keeps its own position so an interrupted one resumes as a full refresh.
@Entity('dbt_sync_state')
export class DbtSyncStateEntity {
  // The source key (dbt unique_id): run.source of its runs.
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'dbt_sync_state_pk' })
  source!: string;

  // The last committed cursor value; null before the first batch.
  @Column({ name: 'high_water_mark', type: 'jsonb', nullable: true })
  highWaterMark!: CursorMark | null;

  @Column({ name: 'refresh_id', type: 'uuid', nullable: true })
  refreshId!: string | null;

  @Column({ name: 'refresh_started_at', type: 'timestamptz', nullable: true })
  refreshStartedAt!: Date | null;

  @Column({ name: 'refresh_position', type: 'jsonb', nullable: true })
  refreshPosition!: CursorMark | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
