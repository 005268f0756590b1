import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

// One accepted output per (trait, model version, run id): what makes pushes idempotent and gives
// the row count the next output is compared with.
@Entity('prediction_batch')
@Index('prediction_batch_notebook_created_idx', ['notebook', 'createdAt'])
export class PredictionBatchEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'prediction_batch_pk' })
  trait!: string;

  @PrimaryColumn({
    name: 'model_version',
    type: 'text',
    primaryKeyConstraintName: 'prediction_batch_pk',
  })
  modelVersion!: string;

  @PrimaryColumn({ name: 'run_id', type: 'text', primaryKeyConstraintName: 'prediction_batch_pk' })
  runId!: string;

  @Column({ type: 'text' })
  notebook!: string;

  // schedule | push
  @Column({ type: 'text' })
  origin!: string;

  @Column({ type: 'int' })
  rows!: number;

  @Column({ name: 'content_sha256', type: 'text' })
  contentSha256!: string;

  // The Traitbase run that wrote it.
  @Column({ name: 'traitbase_run_id', type: 'uuid' })
  traitbaseRunId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
