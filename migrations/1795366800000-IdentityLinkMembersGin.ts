import { MigrationInterface, QueryRunner } from 'typeorm';

// The links an identity is in are found through a GIN index on the links' member values (the
// member types are checked on the rows found) instead of a table of one row per member: GIN
// gathers new entries in a pending list and merges them in bulk, where a b-tree on random
// identity values took one random page write per member on the resolution hot path.
export class IdentityLinkMembersGin1795366800000 implements MigrationInterface {
  name = 'IdentityLinkMembersGin1795366800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "identity_link_member_values_gin" ON "identity_link" USING gin ("member_values")`,
    );
    await queryRunner.query(`DROP TABLE "identity_link_member"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "identity_link_member" ("link_id" bigint NOT NULL, "type" text NOT NULL, "value" text NOT NULL, CONSTRAINT "identity_link_member_pk" PRIMARY KEY ("type", "value", "link_id"))`,
    );
    await queryRunner.query(
      `INSERT INTO "identity_link_member" ("type", "value", "link_id")
       SELECT m.type, m.value, l.id FROM "identity_link" l
       CROSS JOIN LATERAL unnest(l.member_types, l.member_values) AS m(type, value)
       ON CONFLICT DO NOTHING`,
    );
    await queryRunner.query(`DROP INDEX "identity_link_member_values_gin"`);
  }
}
