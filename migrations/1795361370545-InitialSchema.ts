import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795361370545 implements MigrationInterface {
  name = 'InitialSchema1795361370545';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "prefix" text NOT NULL, "secret_hash" text NOT NULL, "scopes" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "api_key_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "api_key_prefix_uq" ON "api_key"  ("prefix") `);
    await queryRunner.query(
      `CREATE TABLE "identity" ("type" text NOT NULL, "value" text NOT NULL, "profile_id" uuid NOT NULL, "source_kind" text NOT NULL, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "identity_pk" PRIMARY KEY ("type", "value"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_profile_id_idx" ON "identity"  ("profile_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "profile" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision" bigint NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "profile_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "run" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "source_kind" text NOT NULL, "source" text NOT NULL, "status" text NOT NULL, "rows_read" integer NOT NULL DEFAULT '0', "rows_changed" integer NOT NULL DEFAULT '0', "rows_unchanged" integer NOT NULL DEFAULT '0', "rows_rejected" integer NOT NULL DEFAULT '0', "rejected_sample" jsonb NOT NULL DEFAULT '[]', "error" text, "high_water_mark" jsonb, "metadata" jsonb NOT NULL DEFAULT '{}', "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "run_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "run_source_started_idx" ON "run"  ("source_kind", "source", "started_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "trait_definition_version" ("definition_id" integer NOT NULL, "version" integer NOT NULL, "schema_version" text NOT NULL, "change" text NOT NULL, "reasons" text array NOT NULL DEFAULT '{}', "spec" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "trait_definition_version_pk" PRIMARY KEY ("definition_id", "version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "trait_definition" ("id" SERIAL NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "source_kind" text NOT NULL, "version" integer NOT NULL, "schema_version" text NOT NULL, "pii" boolean NOT NULL DEFAULT false, "exposure" text array NOT NULL, "freshness_seconds" integer, "spec" jsonb NOT NULL, "origin" text NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "trait_definition_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "trait_definition_name_uq" ON "trait_definition"  ("name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "trait_revision" ("profile_id" uuid NOT NULL, "id" BIGSERIAL NOT NULL, "trait_id" integer NOT NULL, "value" jsonb, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "valid_to" TIMESTAMP WITH TIME ZONE, "definition_version" integer NOT NULL, "source_kind" text NOT NULL, "source_ref" jsonb NOT NULL DEFAULT '{}', "run_id" text, "ingested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "identity_type" text NOT NULL, "identity_value" text NOT NULL, "profile_revision" bigint NOT NULL, CONSTRAINT "trait_revision_pk" PRIMARY KEY ("profile_id", "id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "trait_revision_timeline_idx" ON "trait_revision"  ("profile_id", "trait_id", "valid_from") `,
    );
    await queryRunner.query(
      `CREATE TABLE "trait_value" ("profile_id" uuid NOT NULL, "trait_id" integer NOT NULL, "value" jsonb, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL, "last_observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revision_id" bigint NOT NULL, CONSTRAINT "trait_value_pk" PRIMARY KEY ("profile_id", "trait_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "trait_value"`);
    await queryRunner.query(`DROP INDEX "trait_revision_timeline_idx"`);
    await queryRunner.query(`DROP TABLE "trait_revision"`);
    await queryRunner.query(`DROP INDEX "trait_definition_name_uq"`);
    await queryRunner.query(`DROP TABLE "trait_definition"`);
    await queryRunner.query(`DROP TABLE "trait_definition_version"`);
    await queryRunner.query(`DROP INDEX "run_source_started_idx"`);
    await queryRunner.query(`DROP TABLE "run"`);
    await queryRunner.query(`DROP TABLE "profile"`);
    await queryRunner.query(`DROP INDEX "identity_profile_id_idx"`);
    await queryRunner.query(`DROP TABLE "identity"`);
    await queryRunner.query(`DROP INDEX "api_key_prefix_uq"`);
    await queryRunner.query(`DROP TABLE "api_key"`);
  }
}
