import fc from 'fast-check';
import { DomainError } from '../../src/common/errors/domain-error';
import { parseIdentityConfig } from '../../src/identity/config/identity-config.parser';
import { readManifest } from '../../src/sources/dbt/artifacts/manifest';
import { readRunResults } from '../../src/sources/dbt/artifacts/run-results';
import { parseDefinitionFile } from '../../src/trait-definitions/yaml/definition-file.parser';
import { post, waitForInboxDrained } from '../factories/event.factory';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { count, sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';

// Property-based fuzzing of every input parser. CI runs FUZZ_RUNS cases per target (≥ 2,000);
// the long run sets FUZZ_RUNS=100000 (docs/security.md).
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
// Cases per request: small enough that a body refused as a whole (a __proto__ key anywhere is
// prototype poisoning) leaves most cases checked one by one.
const CHUNK = 100;
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

// The messageId a message is stored under, when it names one (else a hash of the message).
function messageIdOf(m: unknown): string | null {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return null;
  const id = (m as Record<string, unknown>).messageId;
  if (typeof id === 'string' && id !== '') return id;
  return typeof id === 'number' ? String(id) : null;
}

interface TraitRow {
  identity: { type: string; value: string };
  trait: string;
  value: unknown;
}

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
  let writer: string;
  const level = traitSpec({ type: 'number' });
  const name = traitSpec({ type: 'string' });

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, name]);
    writer = await createKey(t, 'traits:write');
  });
  afterAll(() => t.close());

  // What the source of this key stored: inbox message ids, and how many invalid-event rows.
  const storedBy = async (key: string) => {
    const [{ id: keyId }] = await sql<{ id: string }>(
      t,
      `SELECT id FROM api_key WHERE prefix = $1`,
      [key.split('_')[1]],
    );
    const inbox = await sql<{ message_id: string }>(
      t,
      `SELECT message_id FROM event_inbox WHERE source_id = $1`,
      [keyId],
    );
    const invalid = await count(t, `SELECT count(*) AS n FROM invalid_event WHERE source_id = $1`, [
      keyId,
    ]);
    return { inbox: inbox.map((r) => r.message_id), invalid };
  };

  // Which of these values are stored as identities (NUL cannot be stored in text, so is not).
  const identityValues = async (values: string[]) =>
    (
      await sql<{ value: string }>(t, `SELECT value FROM identity WHERE value = ANY($1)`, [
        values.filter((v) => !v.includes('\u0000')),
      ])
    ).map((r) => r.value);

  // Reads the rows' profiles back through the API and checks that each (profile, trait) holds
  // the value of the last accepted row that wrote it.
  const expectStored = async (accepted: TraitRow[]) => {
    type Read = { id: string; traits: { name: string; value: unknown }[] } | null;
    const profiles: Read[] = [];
    // profiles() takes at most 100 identities per call.
    for (let k = 0; k < accepted.length; k += 100) {
      const res = await gql<{ profiles: Read[] }>(
        t.url,
        `query P($ids: [IdentityInput!]!, $n: [String!]) { profiles(identities: $ids) { id traits(names: $n) { name value } } }`,
        { ids: accepted.slice(k, k + 100).map((r) => r.identity), n: [level.name, name.name] },
        t.adminKey,
      );
      expect(res.errors).toBeUndefined();
      profiles.push(...res.data!.profiles);
    }
    const expected = new Map<string, string>();
    const actual = new Map<string, string>();
    accepted.forEach((r, j) => {
      const p = profiles[j];
      expect(p).not.toBeNull();
      expected.set(`${p!.id} ${r.trait}`, JSON.stringify(r.value));
      for (const tv of p!.traits) actual.set(`${p!.id} ${tv.name}`, JSON.stringify(tv.value));
    });
    for (const k of actual.keys()) if (!expected.has(k)) actual.delete(k);
    expect(actual).toEqual(expected);
  };

  it(`ingestion API: ${RUNS} arbitrary messages answer per message, never 5xx, never a partial write`, async () => {
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
      // Plausible messages with arbitrary content, so that many are accepted and stored.
      fc.record(
        {
          type: fc.constantFrom('track', 'identify', 'page'),
          userId: fc.oneof(idValue, fc.uuid()),
          event: fc.string({ minLength: 1 }),
          name: fc.string(),
          properties: fc.dictionary(fc.string(), json),
          traits: fc.dictionary(fc.string(), json),
          messageId: fc.oneof(fc.uuid(), fc.string()),
        },
        { requiredKeys: ['type', 'userId'] },
      ),
    );
    const messages = fc.sample(message, { numRuns: RUNS, seed: 42 });
    for (let i = 0; i < messages.length; i += CHUNK) {
      const batch = messages.slice(i, i + CHUNK);
      // A key (so a source) of its own per batch: what the batch stored is told apart by source.
      const key = await createKey(t, 'ingest');
      const res = await post(t, '/v1/batch', { batch }, key);
      expect([200, 400, 413]).toContain(res.status);
      const stored = await storedBy(key);
      // A whole body is refused only in the API's error shape (e.g. a __proto__ key: prototype
      // poisoning), and then nothing of it is stored.
      if (res.body.error) {
        expect(['INVALID_INPUT', 'PAYLOAD_TOO_LARGE']).toContain(res.body.error.code);
        expect(stored).toEqual({ inbox: [], invalid: 0 });
        continue;
      }
      expect(res.body.accepted + res.body.rejected.length).toBe(batch.length);
      // No partial write: every accepted message is in the inbox (once per messageId), every
      // rejected one only in the invalid-events log.
      const rejected = new Set<number>(res.body.rejected.map((r: { index: number }) => r.index));
      const accepted = batch.filter((_, j) => !rejected.has(j));
      const ids = new Set(accepted.map(messageIdOf).filter((id) => id !== null));
      const hashed = new Set(
        accepted.filter((m) => messageIdOf(m) === null).map((m) => JSON.stringify(m)),
      );
      expect(stored.invalid).toBe(rejected.size);
      expect(stored.inbox.filter((id) => !id.startsWith('sha256:')).sort()).toEqual(
        [...ids].sort(),
      );
      expect(stored.inbox.filter((id) => id.startsWith('sha256:'))).toHaveLength(hashed.size);
    }
  });

  it(`writeTraits: ${RUNS} arbitrary rows are written in full or rejected by index with nothing stored, never 5xx`, async () => {
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
    // Plausible rows with arbitrary content, so that many are accepted and stored.
    const plausible = fc.record({
      identity: fc.record({ type: fc.constantFrom('user_id', 'email'), value: idValue }),
      trait: fc.constantFrom(level.name, name.name),
      value: fc.oneof(fc.double(), fc.integer(), fc.string(), json),
    });
    const rows = fc.sample(fc.oneof(row, plausible), { numRuns: RUNS, seed: 7 });
    // Identity values some accepted row carried (as sent, and as the write path may normalise them).
    const written = new Set<string>();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      // Identities stored before the chunk (the ingestion test's events also create some).
      await waitForInboxDrained(t);
      const before = new Set(await identityValues(chunk.map((r) => r.identity.value)));
      const revisionsBefore = await count(t, `SELECT count(*) AS n FROM trait_revision`);
      const res = await gql<any>(
        t.url,
        `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted rejected { index } } }`,
        { input: { rows: chunk } },
        writer,
      );
      expect(res.status).toBeLessThan(500);
      if (!res.data) {
        expect(res.status).toBe(400);
        // Refused as a whole: nothing of it is stored.
        expect(await count(t, `SELECT count(*) AS n FROM trait_revision`)).toBe(revisionsBefore);
        continue;
      }
      const result = res.data.writeTraits;
      expect(result.accepted + result.rejected.length).toBe(chunk.length);
      const rejected = new Set<number>(result.rejected.map((r: { index: number }) => r.index));
      const accepted = chunk.filter((_, j) => !rejected.has(j));
      for (const r of accepted) {
        const v = String(r.identity.value);
        for (const form of [v, v.trim(), v.toLowerCase(), v.trim().toLowerCase()])
          written.add(form);
      }
      // Every accepted row is stored: the profile holds the last value accepted for each trait.
      await expectStored(accepted);
      // A rejected row stored nothing: no identity that only rejected rows carried exists.
      const onlyRejected = chunk
        .filter((_, j) => rejected.has(j))
        .map((r) => r.identity.value)
        .filter((v) => !written.has(v));
      const after = await identityValues(onlyRejected);
      expect(after.filter((v) => !before.has(v))).toEqual([]);
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
