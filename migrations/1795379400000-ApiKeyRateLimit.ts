import { MigrationInterface, QueryRunner } from 'typeorm';

// A rate limit of the key's own (docs/security.md#rate-limits); null: RATE_LIMIT applies.
export class ApiKeyRateLimit1795379400000 implements MigrationInterface {
  name = 'ApiKeyRateLimit1795379400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "api_key" ADD "rate_limit_requests" integer, ADD "rate_limit_window_seconds" integer`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_key" ADD CONSTRAINT "api_key_rate_limit_ck" CHECK (("rate_limit_requests" IS NULL AND "rate_limit_window_seconds" IS NULL) OR ("rate_limit_requests" > 0 AND "rate_limit_window_seconds" > 0))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" DROP CONSTRAINT "api_key_rate_limit_ck"`);
    await queryRunner.query(
      `ALTER TABLE "api_key" DROP COLUMN "rate_limit_window_seconds", DROP COLUMN "rate_limit_requests"`,
    );
  }
}
