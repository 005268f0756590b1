import { MigrationInterface, QueryRunner } from 'typeorm';

// The inbox's queue moves to a narrow table (docs/events.md#processing): `event_inbox_pending`
// holds (shard, id) of every message not yet applied, written in the statement that accepts the
// message and deleted in the transaction that applies it. Inbox rows are no longer updated when
// processed (each such update rewrote the whole row, payload included, and every index entry:
// `state` was in the pending index's predicate, so no update was HOT). A failed message keeps its
// reason in `failure`, which now alone says it failed.
export class EventInboxPending1795380000000 implements MigrationInterface {
  name = 'EventInboxPending1795380000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "event_inbox_pending" ("shard" smallint NOT NULL, "id" bigint NOT NULL, CONSTRAINT "event_inbox_pending_pk" PRIMARY KEY ("shard", "id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "event_inbox_pending" ("shard", "id") SELECT "shard", "id" FROM "event_inbox" WHERE "state" = 'received'`,
    );
    await queryRunner.query(`DROP INDEX "event_inbox_pending_idx"`);
    await queryRunner.query(
      `CREATE INDEX "event_inbox_failed_idx" ON "event_inbox" ("id") WHERE failure IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "event_inbox" DROP COLUMN "state"`);
    await queryRunner.query(`ALTER TABLE "event_inbox" DROP COLUMN "processed_at"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "event_inbox" ADD "processed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "event_inbox" ADD "state" text NOT NULL DEFAULT 'received'`,
    );
    await queryRunner.query(
      `UPDATE "event_inbox" i SET "state" = CASE WHEN i."failure" IS NOT NULL THEN 'failed' ELSE 'processed' END
       WHERE NOT EXISTS (SELECT 1 FROM "event_inbox_pending" p WHERE p."shard" = i."shard" AND p."id" = i."id")`,
    );
    await queryRunner.query(`DROP INDEX "event_inbox_failed_idx"`);
    await queryRunner.query(
      `CREATE INDEX "event_inbox_pending_idx" ON "event_inbox" ("shard", "id") WHERE state = 'received'`,
    );
    await queryRunner.query(`DROP TABLE "event_inbox_pending"`);
  }
}
