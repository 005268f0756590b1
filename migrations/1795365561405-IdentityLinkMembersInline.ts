import { MigrationInterface, QueryRunner } from 'typeorm';

// A link carries its identities inline; identity_link_member keeps one index, (type, value,
// link_id), to find the links an identity is in. Cheaper to write on the resolution hot path.
export class IdentityLinkMembersInline1795365561405 implements MigrationInterface {
  name = 'IdentityLinkMembersInline1795365561405';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "identity_link" ADD "member_types" text array`);
    await queryRunner.query(`ALTER TABLE "identity_link" ADD "member_values" text array`);
    await queryRunner.query(
      `UPDATE "identity_link" l SET "member_types" = m.types, "member_values" = m.vals
       FROM (SELECT link_id, array_agg(type ORDER BY type, value) AS types, array_agg(value ORDER BY type, value) AS vals
             FROM "identity_link_member" GROUP BY link_id) m
       WHERE l.id = m.link_id`,
    );
    await queryRunner.query(`ALTER TABLE "identity_link" ALTER COLUMN "member_types" SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "identity_link" ALTER COLUMN "member_values" SET NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "identity_link_member_identity_idx"`);
    await queryRunner.query(`DROP INDEX "identity_link_position_idx"`);
    await queryRunner.query(
      `ALTER TABLE "identity_link_member" DROP CONSTRAINT "identity_link_member_pk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "identity_link_member" ADD CONSTRAINT "identity_link_member_pk" PRIMARY KEY ("type", "value", "link_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "identity_link_member" DROP CONSTRAINT "identity_link_member_pk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "identity_link_member" ADD CONSTRAINT "identity_link_member_pk" PRIMARY KEY ("link_id", "type", "value")`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_link_position_idx" ON "identity_link" ("position")`,
    );
    await queryRunner.query(
      `CREATE INDEX "identity_link_member_identity_idx" ON "identity_link_member" ("type", "value")`,
    );
    await queryRunner.query(`ALTER TABLE "identity_link" DROP COLUMN "member_values"`);
    await queryRunner.query(`ALTER TABLE "identity_link" DROP COLUMN "member_types"`);
  }
}
