import { MigrationInterface, QueryRunner } from 'typeorm';

export class Destinations1795378000000 implements MigrationInterface {
  name = 'Destinations1795378000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "destination" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "spec" jsonb NOT NULL, "origin" text NOT NULL, "file" text, "archived_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "destination_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "destination_slug_uq" ON "destination"  ("slug") `,
    );
    await queryRunner.query(
      `CREATE TABLE "destination_last_sent" ("destination_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "payload_hash" text NOT NULL, "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "destination_last_sent_pk" PRIMARY KEY ("destination_id", "profile_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "data_flow_ledger" ("id" BIGSERIAL NOT NULL, "destination_id" uuid NOT NULL, "destination_slug" text NOT NULL, "profile_id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "reason" text NOT NULL, "subject" text, "fields" jsonb NOT NULL, "clear_pii" text array NOT NULL DEFAULT '{}', "run_id" uuid, "response_status" integer NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "data_flow_ledger_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "data_flow_ledger_delivered_idx" ON "data_flow_ledger"  ("delivered_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "data_flow_ledger_destination_idx" ON "data_flow_ledger"  ("destination_id", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "data_flow_ledger_profile_idx" ON "data_flow_ledger"  ("profile_id", "delivered_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "destination_outbox" ("id" BIGSERIAL NOT NULL, "destination_id" uuid NOT NULL, "profile_id" uuid NOT NULL, "delivery_id" uuid NOT NULL, "reason" text NOT NULL, "subject" text, "payload" jsonb NOT NULL, "clear_pii" text array NOT NULL DEFAULT '{}', "payload_hash" text NOT NULL, "feed_position" bigint, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "done_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "destination_outbox_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "destination_outbox_delivery_uq" ON "destination_outbox"  ("delivery_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "destination_outbox_profile_idx" ON "destination_outbox"  ("profile_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "destination_outbox_due_idx" ON "destination_outbox"  ("destination_id", "status", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "destination_outbox_due_idx"`);
    await queryRunner.query(`DROP INDEX "destination_outbox_profile_idx"`);
    await queryRunner.query(`DROP INDEX "destination_outbox_delivery_uq"`);
    await queryRunner.query(`DROP TABLE "destination_outbox"`);
    await queryRunner.query(`DROP INDEX "data_flow_ledger_profile_idx"`);
    await queryRunner.query(`DROP INDEX "data_flow_ledger_destination_idx"`);
    await queryRunner.query(`DROP INDEX "data_flow_ledger_delivered_idx"`);
    await queryRunner.query(`DROP TABLE "data_flow_ledger"`);
    await queryRunner.query(`DROP TABLE "destination_last_sent"`);
    await queryRunner.query(`DROP INDEX "destination_slug_uq"`);
    await queryRunner.query(`DROP TABLE "destination"`);
  }
}
