import fc from 'fast-check';
import { DomainError } from '../../src/common/errors/domain-error';
import { parseIdentityConfig } from '../../src/identity/config/identity-config.parser';
import { readManifest } from '../../src/sources/dbt/artifacts/manifest';
import { readRunResults } from '../../src/sources/dbt/artifacts/run-results';
import { parseDefinitionFile } from '../../src/trait-definitions/yaml/definition-file.parser';
import { post } from '../factories/event.factory';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { startTestApp, TestApp } from '../utils/test-app';

// Property-based fuzzing of every input parser. CI runs FUZZ_RUNS cases per target (≥ 2,000);
// the long run sets FUZZ_RUNS=100000 (docs/security.md).
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const json = fc.jsonValue({ maxDepth: 6 });
const idValue = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE identity; --',
    '\u0000',
    '../../etc/passwd',
    'x'.repeat(3000),
  ),
);

// A parser may refuse its input only with a DomainError (a 4xx naming the field), never crash.
function refusesCleanly(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (err) {
    return err instanceof DomainError;
  }
}

describe('fuzzing', () => {
  let t: TestApp;
  let ingest: string;
  let writer: string;
  const level = traitSpec({ type: 'number' });
  const name = traitSpec({ type: 'string' });

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, name]);
    ingest = await createKey(t, 'ingest');
    writer = await createKey(t, 'traits:write');
  });
  afterAll(() => t.close());

  it(`ingestion API: ${RUNS} arbitrary messages answer per message, never 5xx`, async () => {
    const message = fc.oneof(
      json,
      fc.record(
        {
          type: fc.oneof(
            fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'),
            fc.string(),
          ),
          userId: fc.oneof(idValue, json),
          anonymousId: fc.oneof(idValue, json),
          event: fc.oneof(fc.string(), json),
          properties: json,
          traits: json,
          timestamp: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          messageId: fc.string(),
        },
        { requiredKeys: [] },
      ),
    );
    const messages = fc.sample(message, { numRuns: RUNS, seed: 42 });
    for (let i = 0; i < messages.length; i += 250) {
      const batch = messages.slice(i, i + 250);
      const res = await post(t, '/v1/batch', { batch }, ingest);
      expect([200, 400, 413]).toContain(res.status);
      // A whole body is refused only in the API's error shape (e.g. a __proto__ key: prototype poisoning).
      if (res.body.error)
        expect(['INVALID_INPUT', 'PAYLOAD_TOO_LARGE']).toContain(res.body.error.code);
      else expect(res.body.accepted + res.body.rejected.length).toBe(batch.length);
    }
  });

  it(`writeTraits: ${RUNS} arbitrary rows are written or rejected by index, never 5xx`, async () => {
    const row = fc.record({
      identity: fc.record({
        type: fc.oneof(fc.constantFrom('user_id', 'email', 'Bad Type'), fc.string()),
        value: idValue,
      }),
      trait: fc.oneof(
        fc.constantFrom(level.name, name.name, "x'; DROP TABLE trait_value; --"),
        fc.string(),
      ),
      value: json,
    });
    const rows = fc.sample(row, { numRuns: RUNS, seed: 7 });
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      const res = await gql<any>(
        t.url,
        `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted rejected { index } } }`,
        { input: { rows: chunk } },
        writer,
      );
      expect(res.status).toBeLessThan(500);
      if (res.data)
        expect(res.data.writeTraits.accepted + res.data.writeTraits.rejected.length).toBe(
          chunk.length,
        );
    }
  });

  it(`YAML loaders: ${RUNS} arbitrary documents give issues, never a crash`, () => {
    const yamlText = fc.oneof(
      fc.string(),
      json.map((v) => JSON.stringify(v)),
      fc.constantFrom(
        'a: &x [*x]',
        'types:\n  email: { pii: yes }',
        '- !!binary x',
        `${'['.repeat(500)}`,
      ),
    );
    fc.assert(
      fc.property(yamlText, (text) => {
        const id = parseIdentityConfig(text, 'identity.yaml');
        const defs = parseDefinitionFile(text, { relative: 'f.yaml', display: 'f.yaml' });
        return (id.rules !== null || id.issues.length > 0) && Array.isArray(defs.issues);
      }),
      { numRuns: RUNS },
    );
  });

  it(`dbt artifact readers: ${RUNS} arbitrary documents are read or refused with a 4xx`, () => {
    const artifact = fc.oneof(
      json,
      fc.record(
        {
          metadata: fc.record({
            dbt_schema_version: fc.oneof(
              fc.constantFrom(
                'https://schemas.getdbt.com/dbt/manifest/v12.json',
                'https://schemas.getdbt.com/dbt/run-results/v6.json',
              ),
              fc.string(),
            ),
          }),
          nodes: fc.dictionary(fc.string(), json),
          results: fc.array(json),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(
        artifact,
        (doc) =>
          refusesCleanly(() => readManifest(doc)) && refusesCleanly(() => readRunResults(doc)),
      ),
      { numRuns: RUNS },
    );
  });
});
