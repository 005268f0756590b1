import { MigrationInterface, QueryRunner } from 'typeorm';

export class DbtSync1795362547894 implements MigrationInterface {
  name = 'DbtSync1795362547894';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "dbt_identity_link" ("identity_type" text NOT NULL, "identity_value" text NOT NULL, "linked_type" text NOT NULL, "linked_value" text NOT NULL, "source" text NOT NULL, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "dbt_identity_link_pk" PRIMARY KEY ("identity_type", "identity_value", "linked_type", "linked_value"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "dbt_model" ("unique_id" text NOT NULL, "name" text NOT NULL, "relation" text, "checksum" text, "tests" text array NOT NULL DEFAULT '{}', "depends_on" text array NOT NULL DEFAULT '{}', "manifest_invocation_id" text, "last_invocation_id" text, "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "dbt_model_pk" PRIMARY KEY ("unique_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "dbt_model_name_idx" ON "dbt_model"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "dbt_refresh_seen" ("id" BIGSERIAL NOT NULL, "refresh_id" uuid NOT NULL, "identity_type" text NOT NULL, "identity_value" text NOT NULL, CONSTRAINT "dbt_refresh_seen_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "dbt_refresh_seen_key_idx" ON "dbt_refresh_seen"  ("refresh_id", "identity_type", "identity_value") `,
    );
    await queryRunner.query(
      `CREATE TABLE "dbt_sync_state" ("source" text NOT NULL, "high_water_mark" jsonb, "refresh_id" uuid, "refresh_started_at" TIMESTAMP WITH TIME ZONE, "refresh_position" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "dbt_sync_state_pk" PRIMARY KEY ("source"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "dbt_sync_state"`);
    await queryRunner.query(`DROP INDEX "dbt_refresh_seen_key_idx"`);
    await queryRunner.query(`DROP TABLE "dbt_refresh_seen"`);
    await queryRunner.query(`DROP INDEX "dbt_model_name_idx"`);
    await queryRunner.query(`DROP TABLE "dbt_model"`);
    await queryRunner.query(`DROP TABLE "dbt_identity_link"`);
  }
}
