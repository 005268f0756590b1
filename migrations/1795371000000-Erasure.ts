import { MigrationInterface, QueryRunner } from 'typeorm';

// Erasure (docs/security.md): hashed identities that must never be stored again, and one audit row
// per request without personal data.
export class Erasure1795371000000 implements MigrationInterface {
  name = 'Erasure1795371000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "erasure_suppression" ("hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "erasure_suppression_pk" PRIMARY KEY ("hash"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "erasure_request" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "identifier_hash" text NOT NULL, "requested_by" text NOT NULL, "status" text NOT NULL, "counts" jsonb NOT NULL DEFAULT '{}', "error" text, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "erasure_request_pk" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "erasure_request"`);
    await queryRunner.query(`DROP TABLE "erasure_suppression"`);
  }
}
