import { MigrationInterface, QueryRunner } from 'typeorm';

// Identities a dbt row carries together now go through identity resolution (identity_link),
// so the sync's own record of them is no longer written.
export class DbtIdentityLinkDropped1795364331710 implements MigrationInterface {
  name = 'DbtIdentityLinkDropped1795364331710';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "dbt_identity_link"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "dbt_identity_link" ("identity_type" text NOT NULL, "identity_value" text NOT NULL, "linked_type" text NOT NULL, "linked_value" text NOT NULL, "source" text NOT NULL, "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "dbt_identity_link_pk" PRIMARY KEY ("identity_type", "identity_value", "linked_type", "linked_value"))`,
    );
  }
}
