import { MigrationInterface, QueryRunner } from 'typeorm';

export class NotebookRuns1795362617253 implements MigrationInterface {
  name = 'NotebookRuns1795362617253';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "notebook_run" ("run_id" uuid NOT NULL, "notebook" text NOT NULL, "notebook_sha256" text NOT NULL, "exit_code" integer, "timed_out" boolean NOT NULL DEFAULT false, "failed_cell" integer, "error_tail" text, "executed_notebook" text, "process_groups" integer array NOT NULL DEFAULT '{}', "duration_ms" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "notebook_run_pk" PRIMARY KEY ("run_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "prediction_batch" ("trait" text NOT NULL, "model_version" text NOT NULL, "run_id" text NOT NULL, "notebook" text NOT NULL, "origin" text NOT NULL, "rows" integer NOT NULL, "content_sha256" text NOT NULL, "traitbase_run_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "prediction_batch_pk" PRIMARY KEY ("trait", "model_version", "run_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "prediction_batch_notebook_created_idx" ON "prediction_batch"  ("notebook", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "prediction_batch_notebook_created_idx"`);
    await queryRunner.query(`DROP TABLE "prediction_batch"`);
    await queryRunner.query(`DROP TABLE "notebook_run"`);
  }
}
