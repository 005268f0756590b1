import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

// What one notebook execution left behind, beside its run row: the executed notebook (with its
// outputs) on success, the error tail and failing cell on failure, and the process groups killed.
@Entity('notebook_run')
export class NotebookRunEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid', primaryKeyConstraintName: 'notebook_run_pk' })
  runId!: string;

  @Column({ type: 'text' })
  notebook!: string;

  @Column({ name: 'notebook_sha256', type: 'text' })
  notebookSha256!: string;

  @Column({ name: 'exit_code', type: 'int', nullable: true })
  exitCode!: number | null;

  @Column({ name: 'timed_out', type: 'boolean', default: false })
  timedOut!: boolean;

  @Column({ name: 'failed_cell', type: 'int', nullable: true })
  failedCell!: number | null;

  @Column({ name: 'error_tail', type: 'text', nullable: true })
  errorTail!: string | null;

  // nbformat JSON text; null when the run failed before nbconvert wrote it, or it was too large.
  @Column({ name: 'executed_notebook', type: 'text', nullable: true })
  executedNotebook!: string | null;

  @Column({ name: 'process_groups', type: 'int', array: true, default: () => "'{}'" })
  processGroups!: number[];

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
