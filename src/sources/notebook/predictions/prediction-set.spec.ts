import { createHash } from 'node:crypto';
import { DomainError } from '../../../common/errors/domain-error';
import type { TraitDef } from '../../../trait-definitions/trait-def';
import type { OutputContract } from '../notebook-source';
import { readOutput } from './output-reader';
import { PredictionSet, PredictionSetBuilder } from './prediction-set';
import type { Repeat, RowStore, StagedRow } from './prediction-stage';

// The store's contract in memory (PredictionStage, its Postgres form, is covered end to end).
class MemoryStore implements RowStore {
  readonly rows: StagedRow[] = [];

  append(rows: StagedRow[]): Promise<void> {
    this.rows.push(...rows);
    return Promise.resolve();
  }

  repeats(limit: number): Promise<{ count: number; first: Repeat[] }> {
    const firsts = new Map<string, number>();
    const all: Repeat[] = [];
    for (const r of this.rows) {
      const first = firsts.get(r.identity);
      if (first === undefined) firsts.set(r.identity, r.row);
      else all.push({ row: r.row, first });
    }
    return Promise.resolve({ count: all.length, first: all.slice(0, limit) });
  }

  hashes(): Promise<string[]> {
    const sorted = [...this.rows].sort((a, b) => (a.identity < b.identity ? -1 : 1));
    return Promise.resolve(
      sorted[0]?.values.map((_, t) => {
        const hash = createHash('sha256');
        for (const r of sorted)
          hash.update(`${r.identity}\t${JSON.stringify(r.values[t])}\t${r.scoredAt ?? ''}\n`);
        return hash.digest('hex');
      }) ?? [],
    );
  }
}

interface Read extends PredictionSet {
  identities: string[];
  values: unknown[][];
  scoredAt: (string | null)[];
}

const contract: OutputContract = {
  format: 'csv',
  identity: { column: 'user_id', type: 'user_id' },
  traits: [{ name: 'churn', column: 'score', type: 'number' }],
  modelVersionColumn: 'model_version',
  scoredAtColumn: 'scored_at',
  unknownIdentities: 'create',
  minRows: 1,
  maxRowChange: 0.5,
};
const def = {
  id: 1,
  name: 'churn',
  type: 'number',
  sourceKind: 'notebook',
  values: null,
  retired: false,
} as TraitDef;

async function read(format: 'csv' | 'jsonl', text: string): Promise<Read> {
  const store = new MemoryStore();
  const builder = new PredictionSetBuilder(contract, { defs: [def] }, store);
  // Tiny chunks: records and multi-byte characters cross chunk borders.
  const chunks = Array.from({ length: Math.ceil(text.length / 3) }, (_, i) =>
    Buffer.from(text.slice(i * 3, i * 3 + 3)),
  );
  await readOutput(chunks, format, builder);
  const set = await builder.finish();
  return {
    ...set,
    identities: store.rows.map((r) => r.identity),
    values: [store.rows.map((r) => r.values[0])],
    scoredAt: store.rows.map((r) => r.scoredAt),
  };
}

async function problems(format: 'csv' | 'jsonl', text: string): Promise<Record<string, string>> {
  const err = await read(format, text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return (err as DomainError).details ?? {};
}

describe('PredictionSetBuilder', () => {
  it('reads a CSV in any column order into typed columns', async () => {
    const set = await read(
      'csv',
      'score,user_id,model_version,scored_at\n0.25,u1,m1,2026-01-01T00:00:00Z\n1e-3, u2 ,m1,\n',
    );
    expect(set).toEqual(
      expect.objectContaining({
        modelVersion: 'm1',
        identities: ['u1', 'u2'],
        values: [[0.25, 0.001]],
        scoredAt: ['2026-01-01T00:00:00.000Z', null],
      }),
    );
  });

  it('reads JSON lines with typed values', async () => {
    const set = await read(
      'jsonl',
      '{"user_id":"u1","score":0.5,"model_version":"m1"}\n{"user_id":42,"score":1,"model_version":"m1"}',
    );
    expect(set.identities).toEqual(['u1', '42']);
    expect(set.values).toEqual([[0.5, 1]]);
  });

  it('hashes content independently of row order', async () => {
    const a = await read('csv', 'user_id,score,model_version\nu1,0.1,m\nu2,0.2,m\n');
    const b = await read('csv', 'user_id,score,model_version\nu2,0.2,m\nu1,0.1,m\n');
    const c = await read('csv', 'user_id,score,model_version\nu2,0.2,m\nu1,0.3,m\n');
    expect(a.contentSha256).toEqual(b.contentSha256);
    expect(a.contentSha256).not.toEqual(c.contentSha256);
  });

  it('rejects a header that is not the contract', async () => {
    expect(await problems('csv', 'user_id,model_version\nu1,m\n')).toEqual({
      header: 'missing column "score"',
    });
    expect(await problems('csv', 'user_id,score,model_version,extra\nu1,1,m,x\n')).toEqual({
      header: 'unexpected column "extra"',
    });
    expect(await problems('csv', '')).toEqual(
      expect.objectContaining({ header: expect.stringContaining('empty') }),
    );
  });

  it('rejects NaN, empty and non-numeric scores, naming the row', async () => {
    const found = await problems(
      'csv',
      'user_id,score,model_version\nu1,NaN,m\nu2,,m\nu3,inf,m\nu4,0.5,m\n',
    );
    expect(found).toEqual({
      'row 1.score': 'must be a finite number',
      'row 2.score': expect.stringContaining('must not be empty'),
      'row 3.score': 'must be a finite number',
    });
    expect(await problems('jsonl', '{"user_id":"u1","score":null,"model_version":"m"}\n')).toEqual({
      'row 1.score': expect.stringContaining('must not be null'),
    });
  });

  it('rejects duplicate identities (after normalisation), mixed model versions and bad timestamps', async () => {
    const found = await problems(
      'csv',
      'user_id,score,model_version,scored_at\nu1,1,m,\n u1,2,m,\nu2,1,n,\nu3,1,m,yesterday\n',
    );
    expect(found).toEqual({
      'row 2.user_id': 'repeats the identity of row 1 (one row per identity)',
      'row 3.model_version': 'must be the same on every row (first: m)',
      'row 4.scored_at': 'must be an ISO-8601 timestamp',
    });
  });

  it('treats a file cut mid-line as truncated, and a short row as broken', async () => {
    expect(await problems('csv', 'user_id,score,model_version\nu1,0.5,m\nu2,0.')).toEqual({
      'row 2.file': expect.stringContaining('truncated'),
    });
    expect(await problems('csv', 'user_id,score,model_version\nu1,0.5\n')).toEqual({
      'row 1.row': 'has 2 fields, the header has 3',
    });
    expect(
      await problems(
        'jsonl',
        '{"user_id":"u1","score":0.5,"model_version":"m"}\n{"user_id":"u2","sc',
      ),
    ).toEqual({
      'row 2.row': expect.stringContaining('truncated'),
    });
  });

  it('stores rows in batches, and refuses a body past the byte limit', async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => `u${i},1,m`).join('\n');
    const set = await read('csv', `user_id,score,model_version\n${rows}\n`);
    expect(set.rows).toBe(12_000);
    const builder = new PredictionSetBuilder(contract, { defs: [def] }, new MemoryStore());
    await readOutput(['user_id,score,model_version\n', 'u1,1,m\n'], 'csv', builder, 30);
    const err = await builder.finish().catch((e: DomainError) => e);
    expect((err as DomainError).code).toBe('PAYLOAD_TOO_LARGE');
    expect((err as DomainError).details).toEqual({ body: 'is larger than 30 bytes' });
  });

  it('checks a model version given by the caller against the rows', async () => {
    const options = { defs: [def], modelVersion: 'm2' };
    const builder = new PredictionSetBuilder(contract, options, new MemoryStore());
    builder.addTyped('u1', [0.4], undefined);
    expect((await builder.finish()).modelVersion).toBe('m2');
    const csv = new PredictionSetBuilder(contract, options, new MemoryStore());
    await readOutput(['user_id,score,model_version\nu1,1,m1\n'], 'csv', csv);
    await expect(csv.finish()).rejects.toThrow('model_version');
  });
});
