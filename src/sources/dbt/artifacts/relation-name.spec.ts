import { postgresRelation } from './relation-name';

describe('postgresRelation', () => {
  it('keeps schema and table of a Postgres relation_name, dropping the database', () => {
    expect(postgresRelation('"dbt"."analytics"."Player Stats"')).toBe('"analytics"."Player Stats"');
  });

  it('reads BigQuery backticks and bare names', () => {
    expect(postgresRelation('`your-project`.`jaffle_shop`.`customers`')).toBe(
      '"jaffle_shop"."customers"',
    );
    expect(postgresRelation('analytics.players')).toBe('"analytics"."players"');
    expect(postgresRelation('players')).toBe('"players"');
  });

  it('escapes embedded quotes', () => {
    expect(postgresRelation('"s"."a""b"')).toBe('"s"."a""b"');
  });

  it('refuses what is not a relation name', () => {
    expect(postgresRelation('')).toBeNull();
    expect(postgresRelation('a..b')).toBeNull();
    expect(postgresRelation('a.b.c.d')).toBeNull();
    expect(postgresRelation('a b')).toBeNull();
  });
});
