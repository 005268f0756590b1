import { MigrationInterface, QueryRunner } from 'typeorm';

// Audiences (docs/audiences.md): their definitions, every version of them, and size over time.
// Membership itself is the trait audience:<slug> in trait_value / trait_revision.
export class Audiences1795377000000 implements MigrationInterface {
  name = 'Audiences1795377000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audience" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "description" text, "owner" text, "rule" jsonb NOT NULL, "version" integer NOT NULL, "origin" text NOT NULL, "file" text, "schedule" text, "trait_id" integer NOT NULL, "size" integer NOT NULL DEFAULT '0', "evaluated_at" TIMESTAMP WITH TIME ZONE, "last_run_id" uuid, "archived_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "audience_pk" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "audience_slug_uq" ON "audience"  ("slug") `);
    await queryRunner.query(
      `CREATE TABLE "audience_version" ("audience_id" uuid NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "description" text, "rule" jsonb NOT NULL, "schedule" text, "saved_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "audience_version_pk" PRIMARY KEY ("audience_id", "version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "audience_size" ("audience_id" uuid NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, "size" integer NOT NULL, "entered" integer NOT NULL DEFAULT '0', "exited" integer NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "audience_size_pk" PRIMARY KEY ("audience_id", "hour"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audience_size"`);
    await queryRunner.query(`DROP TABLE "audience_version"`);
    await queryRunner.query(`DROP INDEX "audience_slug_uq"`);
    await queryRunner.query(`DROP TABLE "audience"`);
  }
}
