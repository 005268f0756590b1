import { MigrationInterface, QueryRunner } from 'typeorm';

// The change feed (docs/change-feed.md) and the cursors of its durable consumers.
export class ChangeFeed1795370000000 implements MigrationInterface {
  name = 'ChangeFeed1795370000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // No CACHE: positions drawn under a profile's row lock must increase in commit order.
    await queryRunner.query(`CREATE SEQUENCE "change_feed_position_seq"`);
    await queryRunner.query(
      `CREATE TABLE "change_feed" ("profile_id" uuid NOT NULL, "position" bigint NOT NULL, "xid" bigint NOT NULL, "revision" bigint NOT NULL, "kind" text NOT NULL, "name" text, "before" jsonb, "after" jsonb, "provenance" jsonb, "at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "change_feed_pk" PRIMARY KEY ("profile_id", "position"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "change_feed_order_idx" ON "change_feed" ("xid", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "feed_consumer" ("name" text NOT NULL, "xid" bigint NOT NULL, "position" bigint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "feed_consumer_pk" PRIMARY KEY ("name"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "feed_consumer"`);
    await queryRunner.query(`DROP INDEX "change_feed_order_idx"`);
    await queryRunner.query(`DROP TABLE "change_feed"`);
    await queryRunner.query(`DROP SEQUENCE "change_feed_position_seq"`);
  }
}
