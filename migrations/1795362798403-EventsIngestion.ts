import { MigrationInterface, QueryRunner } from 'typeorm';

// Segment-compatible ingestion: the inbox (durable acceptance + 7-day messageId dedup), the
// invalid-events log, per-minute rates for silence detection, and the `events` table.
//
// `events` is partitioned by RANGE on the event time (monthly partitions created ahead by the
// workers, plus a DEFAULT partition for times outside them). TypeORM cannot declare partitioned
// tables, so it is raw SQL here and deliberately NOT an entity (not in ENTITIES): the drift check
// (`migration:generate --check`) only compares entity tables, and the app writes `events` with
// set-based SQL only. Its primary key includes the partition key, as Postgres requires.
// The BRIN index on event_inbox.received_at is declared `synchronize: false` on the entity.
export class EventsIngestion1795362798403 implements MigrationInterface {
  name = 'EventsIngestion1795362798403';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "event_rate" ("event_key" text NOT NULL, "minute" TIMESTAMP WITH TIME ZONE NOT NULL, "shard" smallint NOT NULL, "count" integer NOT NULL, CONSTRAINT "event_rate_pk" PRIMARY KEY ("event_key", "minute", "shard"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "event_inbox" ("id" BIGSERIAL NOT NULL, "source_id" text NOT NULL, "message_id" text NOT NULL, "shard" smallint NOT NULL, "type" text NOT NULL, "event" text, "payload" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "schema_version" text, "state" text NOT NULL DEFAULT 'received', "failure" text, "processed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "event_inbox_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "event_inbox_pending_idx" ON "event_inbox"  ("shard", "id") WHERE state = 'received'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "event_inbox_message_uq" ON "event_inbox"  ("source_id", "message_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "event_inbox_received_brin" ON "event_inbox" USING brin ("received_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "invalid_event" ("id" BIGSERIAL NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "source_id" text NOT NULL, "source_name" text NOT NULL, "type" text, "event" text, "message_id" text, "schema_version" text, "reasons" jsonb NOT NULL, "payload" jsonb, CONSTRAINT "invalid_event_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "invalid_event_received_idx" ON "invalid_event"  ("received_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "events" (
        "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL,
        "inbox_id" bigint NOT NULL,
        "source_id" text NOT NULL,
        "message_id" text NOT NULL,
        "type" text NOT NULL,
        "event" text,
        "profile_id" uuid NOT NULL,
        "identity_type" text NOT NULL,
        "identity_value" text NOT NULL,
        "user_id" text,
        "anonymous_id" text,
        "group_id" text,
        "previous_id" text,
        "properties" jsonb NOT NULL DEFAULT '{}',
        "context" jsonb NOT NULL DEFAULT '{}',
        "schema_version" text,
        "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "events_pk" PRIMARY KEY ("inbox_id", "timestamp")
      ) PARTITION BY RANGE ("timestamp")`,
    );
    await queryRunner.query(
      `CREATE INDEX "events_profile_time_idx" ON "events" ("profile_id", "timestamp")`,
    );
    await queryRunner.query(
      `CREATE INDEX "events_event_time_idx" ON "events" ("event", "timestamp")`,
    );
    await queryRunner.query(`CREATE TABLE "events_default" PARTITION OF "events" DEFAULT`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping the parent drops every partition, including those the workers created.
    await queryRunner.query(`DROP TABLE "events"`);
    await queryRunner.query(`DROP INDEX "invalid_event_received_idx"`);
    await queryRunner.query(`DROP TABLE "invalid_event"`);
    await queryRunner.query(`DROP INDEX "event_inbox_received_brin"`);
    await queryRunner.query(`DROP INDEX "event_inbox_message_uq"`);
    await queryRunner.query(`DROP INDEX "event_inbox_pending_idx"`);
    await queryRunner.query(`DROP TABLE "event_inbox"`);
    await queryRunner.query(`DROP TABLE "event_rate"`);
  }
}
