import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from './factories/trait-definition.factory';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { count, sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

jest.setTimeout(90_000);

const RECORD = `mutation($trait: String!, $modelVersion: String!, $runId: String!, $rows: [PredictionRowInput!]!) {
  recordPredictions(trait: $trait, modelVersion: $modelVersion, runId: $runId, rows: $rows) {
    runId traitbaseRunId modelVersion rows revisions unchanged skippedIdentities written alreadyRecorded duplicate
  }
}`;
const TRAIT = `query($id: String!, $trait: String!) {
  profile(identity: { type: "user_id", value: $id }) {
    trait(name: $trait) { value provenance { runId modelVersion sourceKind sourceRef observedAt } }
    history(trait: $trait) { value provenance { runId modelVersion } }
  }
}`;

interface Result {
  runId: string;
  rows: number;
  revisions: number;
  unchanged: number;
  skippedIdentities: number;
  written: string[];
  alreadyRecorded: string[];
  duplicate: boolean;
}

describe('predictions pushed from notebooks run elsewhere', () => {
  let t: TestApp;
  let ingestKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    ingestKey = await createKey(t, 'traits:write');
  });

  afterAll(async () => {
    await t?.close();
  });

  // A notebook source of its own per test, so row-count guards and keys never meet.
  async function define(
    output: Record<string, unknown> = {},
    extra: Record<string, unknown> = {},
  ): Promise<{ trait: string; notebook: string }> {
    const trait = uniqueName('pred');
    const notebook = `notebooks/${trait}.ipynb`;
    await insertTraitDefinitions(t.db.url, t.db.schema, [
      traitSpec({
        name: trait,
        column: 'score',
        source: {
          kind: 'notebook',
          notebook,
          output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' }, ...output },
          ...extra,
        },
      }),
    ]);
    return { trait, notebook };
  }

  const record = (vars: Record<string, unknown>, key = ingestKey) =>
    gql<{ recordPredictions: Result }>(t.url, RECORD, vars, key);
  const profile = (id: string, trait: string) =>
    gql<{
      profile: {
        trait: { value: unknown; provenance: Record<string, unknown> };
        history: unknown[];
      } | null;
    }>(t.url, TRAIT, { id, trait }, t.adminKey);
  // duplex 'half' lets fetch send a streamed body.
  const upload = (
    query: string,
    body: RequestInit['body'],
    headers: Record<string, string> = {},
  ) => {
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'text/csv', ...headers },
      body,
      duplex: 'half',
    };
    return fetch(`${t.url}/v1/predictions?${query}`, init);
  };

  describe('GraphQL recordPredictions', () => {
    it('writes with model version and run id in provenance, and recognises a re-push', async () => {
      const { trait, notebook } = await define();
      const rows = [
        { identity: 'gq1', value: 0.25, scoredAt: '2026-01-02T03:04:05.000Z' },
        { identity: 'gq2', value: 0.75 },
      ];
      const first = await record({ trait, modelVersion: 'm1', runId: 'ext-1', rows });
      expect(first.errors).toBeUndefined();
      expect(first.data!.recordPredictions).toEqual(
        expect.objectContaining({
          runId: 'ext-1',
          rows: 2,
          revisions: 2,
          written: [trait],
          alreadyRecorded: [],
          duplicate: false,
        }),
      );
      const read = await profile('gq1', trait);
      expect(read.data!.profile!.trait).toEqual({
        value: 0.25,
        provenance: {
          runId: 'ext-1',
          modelVersion: 'm1',
          sourceKind: 'notebook',
          sourceRef: { path: notebook, sha256: null, modelVersion: 'm1', origin: 'push' },
          observedAt: '2026-01-02T03:04:05.000Z',
        },
      });

      const again = await record({
        trait,
        modelVersion: 'm1',
        runId: 'ext-1',
        rows: [...rows].reverse(),
      });
      expect(again.data!.recordPredictions).toEqual(
        expect.objectContaining({
          revisions: 0,
          written: [],
          alreadyRecorded: [trait],
          duplicate: true,
        }),
      );
      const conflict = await record({
        trait,
        modelVersion: 'm1',
        runId: 'ext-1',
        rows: [{ identity: 'gq1', value: 0.3 }],
      });
      expect(conflict.errors?.[0]).toEqual(
        expect.objectContaining({
          message: expect.stringContaining('already recorded'),
          extensions: expect.objectContaining({ code: 'CONFLICT' }),
        }),
      );

      const second = await record({
        trait,
        modelVersion: 'm2',
        runId: 'ext-2',
        rows: [
          { identity: 'gq1', value: 0.5 },
          { identity: 'gq2', value: 0.75 },
        ],
      });
      expect(second.data!.recordPredictions).toEqual(
        expect.objectContaining({ revisions: 1, unchanged: 1 }),
      );
      expect((await profile('gq1', trait)).data!.profile!.history).toEqual([
        { value: 0.5, provenance: { runId: 'ext-2', modelVersion: 'm2' } },
        { value: 0.25, provenance: { runId: 'ext-1', modelVersion: 'm1' } },
      ]);
    });

    it('rejects the whole call on a bad row, naming it, and writes nothing', async () => {
      const { trait } = await define();
      const res = await record({
        trait,
        modelVersion: 'm1',
        runId: 'bad-1',
        rows: [
          { identity: 'gb1', value: 0.1 },
          { identity: 'gb2', value: 'high' },
          { identity: 'gb1', value: 0.2 },
          { identity: ' ', value: 0.2 },
        ],
      });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions?.details).toEqual({
        'row 2.score': expect.stringContaining('finite number'),
        'row 3.user_id': 'repeats the identity of row 1 (one row per identity)',
        'row 4.user_id': 'must not be empty',
      });
      expect((await profile('gb1', trait)).data!.profile).toBeNull();
      const [run] = await sql<{ status: string; error: string }>(
        t,
        `SELECT status, error FROM run WHERE metadata->>'runId' = 'bad-1'`,
      );
      expect(run).toEqual({
        status: 'failed',
        error: expect.stringContaining('output rejected, nothing written (3 problems'),
      });
    });

    it('needs the traits:write scope and an active notebook trait', async () => {
      const { trait } = await define();
      const reader = await createKey(t, 'profile:read');
      const rows = [{ identity: 'gs1', value: 0.1 }];
      expect(
        (await record({ trait, modelVersion: 'm', runId: 'r', rows }, reader)).errors?.[0]
          .extensions?.code,
      ).toBe('FORBIDDEN');
      expect(
        (await record({ trait: 'no_such_trait', modelVersion: 'm', runId: 'r', rows })).errors?.[0]
          .extensions?.code,
      ).toBe('NOT_FOUND');
    });

    it('handles unknown identities as the contract says', async () => {
      const known = await define();
      await record({
        trait: known.trait,
        modelVersion: 'm',
        runId: 'seed',
        rows: [{ identity: 'known-1', value: 1 }],
      });
      const skip = await define({ unknown_identities: 'skip' });
      const skipped = await record({
        trait: skip.trait,
        modelVersion: 'm',
        runId: 's',
        rows: [
          { identity: 'known-1', value: 0.4 },
          { identity: 'stranger-1', value: 0.6 },
        ],
      });
      expect(skipped.data!.recordPredictions).toEqual(
        expect.objectContaining({ rows: 2, revisions: 1, skippedIdentities: 1 }),
      );
      expect((await profile('stranger-1', skip.trait)).data!.profile).toBeNull();
      const reject = await define({ unknown_identities: 'reject' });
      const rejected = await record({
        trait: reject.trait,
        modelVersion: 'm',
        runId: 'r',
        rows: [
          { identity: 'known-1', value: 0.4 },
          { identity: 'stranger-2', value: 0.6 },
        ],
      });
      expect(rejected.errors?.[0].extensions?.details).toEqual({
        'row 2.user_id': '1 identities are unknown (unknown_identities: reject)',
      });
      expect((await profile('known-1', reject.trait)).data!.profile!.trait.value).toBeNull();
    });
  });

  describe('POST /v1/predictions', () => {
    it('accepts JSON lines and gzip, and rejects bad uploads whole', async () => {
      const { trait } = await define();
      const jsonl = [
        '{"user_id":"h1","score":0.1,"model_version":"m1"}',
        '{"user_id":"h2","score":0.2,"model_version":"m1"}',
      ].join('\n');
      const ok = await upload(`trait=${trait}&runId=j1`, gzipSync(jsonl), {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual(
        expect.objectContaining({ rows: 2, revisions: 2, modelVersion: 'm1', duplicate: false }),
      );

      const before = await count(t, `SELECT count(*) AS n FROM trait_revision`);
      const cases: [string, string, Record<string, string>, number][] = [
        [
          `trait=${trait}&runId=b1`,
          'user_id,score,model_version\nh1,0.9,m1\nh2,NaN,m1\nh3,0.3,m1\n',
          { 'row 2.score': 'must be a finite number' },
          400,
        ],
        [
          `trait=${trait}&runId=b2`,
          'user_id,score,model_version\nh1,0.9,m1\nh2,0.',
          { 'row 2.file': 'csv: the last line has no line break (truncated?)' },
          400,
        ],
        [
          `trait=${trait}&runId=b3`,
          'user_id,model_version\nh1,m1\n',
          { header: 'missing column "score"' },
          400,
        ],
        [
          `trait=${trait}&runId=b4&modelVersion=m2`,
          'user_id,score,model_version\nh1,0.9,m1\nh2,0.8,m1\n',
          {
            'row 1.model_version': 'must be the same on every row (first: m2)',
            'row 2.model_version': 'must be the same on every row (first: m2)',
          },
          400,
        ],
      ];
      for (const [query, body, details, status] of cases) {
        const res = await upload(query, body);
        expect({
          query,
          status: res.status,
          details: ((await res.json()) as { error: { details: unknown } }).error.details,
        }).toEqual({ query, status, details });
      }
      expect(await count(t, `SELECT count(*) AS n FROM trait_revision`)).toBe(before);

      expect(
        (await upload(`trait=${trait}&runId=x`, '{}', { 'content-type': 'application/json' }))
          .status,
      ).toBe(400);
      expect((await upload(`trait=${trait}`, 'user_id,score,model_version\n')).status).toBe(400);
      expect((await upload(`runId=x`, 'user_id,score,model_version\n')).status).toBe(400);
      expect(
        (await upload(`trait=${trait}&runId=x`, 'x', { authorization: 'Bearer nope' })).status,
      ).toBe(401);
    });

    it('streams a 100,000-row CSV with flat memory, and a second push changes nothing', async () => {
      const { trait, notebook } = await define();
      const ROWS = 100_000;
      let bodyBytes = 0;
      function* csv(): Generator<string> {
        bodyBytes = 0;
        yield 'user_id,score,model_version,scored_at\n';
        for (let i = 0; i < ROWS; i += 1000) {
          let chunk = '';
          for (let j = i; j < i + 1000; j += 1)
            chunk += `big-${j},${(j % 997) / 997},churn-big-1,2026-01-01T00:00:00Z\n`;
          bodyBytes += chunk.length;
          yield chunk;
        }
      }
      // Sampled while the upload streams: how far the process grows above where it started.
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const started = Date.now();
      const res = await upload(
        `notebook=${encodeURIComponent(notebook)}&runId=big-1`,
        Readable.toWeb(Readable.from(csv())) as ReadableStream,
      );
      clearInterval(sampler);
      const body = (await res.json()) as Result;
      expect(res.status).toBe(200);
      expect(body).toEqual(
        expect.objectContaining({ rows: ROWS, revisions: ROWS, written: [trait] }),
      );
      const growthMb = Math.round((peak - baseline) / 1024 / 1024);
      process.stdout.write(
        `100k-row push: ${Date.now() - started} ms, RSS +${growthMb} MB (body ${(bodyBytes / 1024 / 1024).toFixed(1)} MB)\n`,
      );
      // Loose bound: the rows of one atomic write are held (≤ 100k values), the body never is.
      expect(growthMb).toBeLessThan(400);

      const revisions = await count(t, `SELECT count(*) AS n FROM trait_revision`);
      const again = await upload(
        `notebook=${encodeURIComponent(notebook)}&runId=big-1`,
        Readable.toWeb(Readable.from(csv())) as ReadableStream,
      );
      expect(await again.json()).toEqual(
        expect.objectContaining({
          rows: ROWS,
          revisions: 0,
          duplicate: true,
          alreadyRecorded: [trait],
        }),
      );
      expect(await count(t, `SELECT count(*) AS n FROM trait_revision`)).toBe(revisions);
      expect(
        await count(
          t,
          `SELECT count(*) AS n FROM trait_value tv JOIN trait_definition d ON d.id = tv.trait_id WHERE d.name = $1`,
          [trait],
        ),
      ).toBe(ROWS);
    });
  });
});
