import { MigrationInterface, QueryRunner } from 'typeorm';

// Erasures run on the job queue (docs/security.md#erasure-right-to-be-forgotten): the request keeps
// the profile to erase until it finishes, so a request whose job was lost is queued again. Requests
// left `running` by a process that died are given their profile back from the identity whose hash
// they hold (a one-time scan).
export class ErasureQueue1795379500000 implements MigrationInterface {
  name = 'ErasureQueue1795379500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "erasure_request" ADD "profile_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "erasure_request_unfinished_idx" ON "erasure_request" ("requested_at") WHERE "status" = 'running'`,
    );
    await queryRunner.query(
      `UPDATE "erasure_request" r SET "profile_id" = i."profile_id" FROM "identity" i
       WHERE r."status" = 'running' AND r."identifier_hash" = encode(sha256(convert_to(i."type" || ':' || i."value", 'UTF8')), 'hex')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "erasure_request_unfinished_idx"`);
    await queryRunner.query(`ALTER TABLE "erasure_request" DROP COLUMN "profile_id"`);
  }
}
