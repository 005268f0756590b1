import { dbtFixture } from '../../../../test/fixtures/dbt-fixtures';
import { DomainError } from '../../../common/errors/domain-error';
import { readRunResults } from './run-results';

const fixture = () => dbtFixture('jaffle_shop.run_results.json');

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected an error');
}

describe('readRunResults', () => {
  it('reads the fixture from a real dbt build', () => {
    const rr = readRunResults(fixture());
    expect(rr.schemaVersion).toBe(6);
    expect(rr.invocationId).toBe('cfbc1db9-66c1-46c2-a94b-8c0cef32314f');
    expect(rr.fullRefresh).toBe(false);
    expect(rr.results.find((r) => r.uniqueId === 'model.jaffle_shop.customers')?.status).toBe(
      'success',
    );
    expect(
      rr.results.filter((r) => r.uniqueId.startsWith('test.')).every((r) => r.status === 'pass'),
    ).toBe(true);
  });

  it('refuses an unknown schema version with a 422 naming the field', () => {
    const doc = fixture();
    (doc.metadata as Record<string, unknown>).dbt_schema_version =
      'https://schemas.getdbt.com/dbt/run-results/v99.json';
    const err = errorOf(() => readRunResults(doc));
    expect(err.message).toMatch(/^metadata\.dbt_schema_version: run-results v99 is not supported/);
    expect(err.details).toHaveProperty(['metadata.dbt_schema_version']);
  });

  it('refuses a manifest posted as run results, and a missing version', () => {
    const doc = fixture();
    (doc.metadata as Record<string, unknown>).dbt_schema_version =
      'https://schemas.getdbt.com/dbt/manifest/v12.json';
    expect(errorOf(() => readRunResults(doc)).message).toMatch(
      /is a manifest artifact, expected run-results/,
    );
    expect(errorOf(() => readRunResults({ results: [] })).message).toMatch(
      /dbt_schema_version: is required/,
    );
    expect(errorOf(() => readRunResults('nope')).message).toMatch(
      /^body: must be a dbt run-results JSON object/,
    );
  });

  it('names every malformed result', () => {
    const doc = fixture();
    doc.results = [{ status: 'success' }, { unique_id: 'model.a.b', status: 3 }];
    const err = errorOf(() => readRunResults(doc));
    expect(Object.keys(err.details ?? {})).toEqual(['results[0].unique_id', 'results[1].status']);
  });

  it('sees dbt --full-refresh in args', () => {
    const doc = fixture();
    doc.args = { full_refresh: true };
    expect(readRunResults(doc).fullRefresh).toBe(true);
  });
});
