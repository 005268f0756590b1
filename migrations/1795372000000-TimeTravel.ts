import { MigrationInterface, QueryRunner } from 'typeorm';

// Time travel that holds (docs/time-travel.md): merges and unmerges become dated facts.
// - identity_move: every move of an identity between profiles, stamped when it was recorded;
// - identity.recorded_at: when an identity became known. Identities recorded before this
//   migration keep NULL, read as "known since always" (their recording time was never kept);
// - profile_merge.recorded_at: when a merge or unmerge was recorded; `at` stays the time the
//   identities were seen together. Existing entries take their `at`, the closest time kept.
// Moves made before this migration were not kept: identities are read on their profile of
// today for any time before it, as they were before.
export class TimeTravel1795372000000 implements MigrationInterface {
  name = 'TimeTravel1795372000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "identity_move" ("id" BIGSERIAL NOT NULL, "type" text NOT NULL, "value" text NOT NULL, "from_profile_id" uuid NOT NULL, "to_profile_id" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "identity_move_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_move_identity_idx" ON "identity_move" ("type", "value", "recorded_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_move_from_idx" ON "identity_move" ("from_profile_id") `,
    );
    // Added without a default first, so existing rows stay NULL (no table rewrite).
    await queryRunner.query(`ALTER TABLE "identity" ADD "recorded_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "identity" ALTER COLUMN "recorded_at" SET DEFAULT now()`);
    await queryRunner.query(
      `ALTER TABLE "profile_merge" ADD "recorded_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`UPDATE "profile_merge" SET "recorded_at" = "at"`);
    await queryRunner.query(
      `ALTER TABLE "profile_merge" ALTER COLUMN "recorded_at" SET DEFAULT now()`,
    );
    await queryRunner.query(`ALTER TABLE "profile_merge" ALTER COLUMN "recorded_at" SET NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "profile_merge" DROP COLUMN "recorded_at"`);
    await queryRunner.query(`ALTER TABLE "identity" DROP COLUMN "recorded_at"`);
    await queryRunner.query(`DROP INDEX "identity_move_from_idx"`);
    await queryRunner.query(`DROP INDEX "identity_move_identity_idx"`);
    await queryRunner.query(`DROP TABLE "identity_move"`);
  }
}
