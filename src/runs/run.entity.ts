import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

// One execution of a source: a dbt sync, a notebook run, an audience evaluation, an API write.
@Entity('run')
@Index('run_source_started_idx', ['sourceKind', 'source', 'startedAt'])
export class RunEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'run_pk' })
  id!: string;

  @Column({ name: 'source_kind', type: 'text' })
  sourceKind!: string;

  @Column({ type: 'text' })
  source!: string;

  // running | succeeded | failed | skipped
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'rows_read', type: 'int', default: 0 })
  rowsRead!: number;

  @Column({ name: 'rows_changed', type: 'int', default: 0 })
  rowsChanged!: number;

  @Column({ name: 'rows_unchanged', type: 'int', default: 0 })
  rowsUnchanged!: number;

  @Column({ name: 'rows_rejected', type: 'int', default: 0 })
  rowsRejected!: number;

  @Column({ name: 'rejected_sample', type: 'jsonb', default: () => "'[]'" })
  rejectedSample!: unknown[];

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'high_water_mark', type: 'jsonb', nullable: true })
  highWaterMark!: unknown;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  metadata!: Record<string, unknown>;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
