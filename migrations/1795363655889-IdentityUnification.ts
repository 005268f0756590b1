import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityUnification1795363655889 implements MigrationInterface {
  name = 'IdentityUnification1795363655889';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One order for first sightings of identities and of identity links (replay order).
    await queryRunner.query(`CREATE SEQUENCE "identity_replay_seq"`);
    await queryRunner.query(
      `CREATE TABLE "identity_link_member" ("link_id" bigint NOT NULL, "type" text NOT NULL, "value" text NOT NULL, CONSTRAINT "identity_link_member_pk" PRIMARY KEY ("link_id", "type", "value"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_link_member_identity_idx" ON "identity_link_member"  ("type", "value") `,
    );
    await queryRunner.query(
      `CREATE TABLE "identity_link" ("id" BIGSERIAL NOT NULL, "position" bigint NOT NULL, "hash" text NOT NULL, "size" integer NOT NULL, "forced" boolean NOT NULL DEFAULT false, "cause_kind" text NOT NULL, "cause_ref" text, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "identity_link_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_link_position_idx" ON "identity_link"  ("position") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "identity_link_hash_uq" ON "identity_link"  ("hash") WHERE "retired_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "identity_violation" ("id" BIGSERIAL NOT NULL, "kind" text NOT NULL, "identity_type" text NOT NULL, "identity_value" text NOT NULL, "profile_id" uuid NOT NULL, "target_profile_id" uuid NOT NULL, "limit_type" text NOT NULL, "limit_value" integer NOT NULL, "would_be" integer NOT NULL, "cause_kind" text NOT NULL, "cause_ref" text, "occurrences" integer NOT NULL DEFAULT '1', "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "identity_violation_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_violation_last_seen_idx" ON "identity_violation"  ("last_seen_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "identity_violation_uq" ON "identity_violation"  ("identity_type", "identity_value", "target_profile_id", "limit_type") `,
    );
    await queryRunner.query(
      `CREATE TABLE "profile_merge" ("id" BIGSERIAL NOT NULL, "kind" text NOT NULL, "from_profile_id" uuid NOT NULL, "into_profile_id" uuid NOT NULL, "identities" jsonb NOT NULL, "cause_kind" text NOT NULL, "cause_ref" text, "rule" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "profile_merge_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "profile_merge_into_idx" ON "profile_merge"  ("into_profile_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "profile_merge_from_idx" ON "profile_merge"  ("from_profile_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "identity" ADD "seq" bigint NOT NULL DEFAULT nextval('identity_replay_seq'::regclass)`,
    );
    await queryRunner.query(`ALTER TABLE "profile" ADD "merged_into" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "profile" DROP COLUMN "merged_into"`);
    await queryRunner.query(`ALTER TABLE "identity" DROP COLUMN "seq"`);
    await queryRunner.query(`DROP SEQUENCE "identity_replay_seq"`);
    await queryRunner.query(`DROP INDEX "profile_merge_from_idx"`);
    await queryRunner.query(`DROP INDEX "profile_merge_into_idx"`);
    await queryRunner.query(`DROP TABLE "profile_merge"`);
    await queryRunner.query(`DROP INDEX "identity_violation_uq"`);
    await queryRunner.query(`DROP INDEX "identity_violation_last_seen_idx"`);
    await queryRunner.query(`DROP TABLE "identity_violation"`);
    await queryRunner.query(`DROP INDEX "identity_link_hash_uq"`);
    await queryRunner.query(`DROP INDEX "identity_link_position_idx"`);
    await queryRunner.query(`DROP TABLE "identity_link"`);
    await queryRunner.query(`DROP INDEX "identity_link_member_identity_idx"`);
    await queryRunner.query(`DROP TABLE "identity_link_member"`);
  }
}
