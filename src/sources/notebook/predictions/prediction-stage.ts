import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';
import { copyLine } from '../../../traits/copy-text';

// One checked row of an output; values in contract.traits order.
export interface StagedRow {
  row: number;
  identity: string;
  values: unknown[];
  scoredAt: string | null;
}

export interface Repeat {
  row: number;
  first: number;
}

// Where the builder puts checked rows, so an output of any size is never held in memory.
export interface RowStore {
  append(rows: StagedRow[]): Promise<void>;
  // Rows repeating an earlier row's identity: the first `limit` in row order, and how many in all.
  repeats(limit: number): Promise<{ count: number; first: Repeat[] }>;
  // Per trait: sha256 of its (identity, value, scored_at) lines in identity order.
  hashes(): Promise<string[]>;
}

const TABLE = 'tb_pred_stage';
const PAGE = 20_000;

// The checked rows of one output in a temporary table on a connection held for the output's
// life: streamed in by COPY, checked as a whole (repeats, unknown identities, content hash) and
// read back in pages for the write. Values are kept as the JSON text that is hashed.
export class PredictionStage implements RowStore {
  private indexed = false;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly client: PoolClient,
    private readonly traits: number,
  ) {}

  static async open(db: DataSource, traits: number): Promise<PredictionStage> {
    const runner = db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    const columns = Array.from({ length: traits }, (_, t) => `, v${t} text NOT NULL`).join('');
    try {
      await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
      await client.query(
        `CREATE TEMP TABLE ${TABLE} (row int PRIMARY KEY, identity text NOT NULL, scored_at text${columns})`,
      );
    } catch (err) {
      await runner.release();
      throw err;
    }
    return new PredictionStage(runner, client, traits);
  }

  // Runs a statement on the stage's connection (a session lock taken here goes with it).
  query = async (sql: string, params: unknown[]): Promise<unknown> =>
    (await this.client.query(sql, params)).rows;

  async append(rows: StagedRow[]): Promise<void> {
    if (rows.length === 0) return;
    const text = rows
      .map((r) =>
        copyLine([r.row, r.identity, r.scoredAt, ...r.values.map((v) => JSON.stringify(v))]),
      )
      .join('');
    await pipeline(Readable.from([text]), this.client.query(copyFrom(`COPY ${TABLE} FROM STDIN`)));
  }

  async repeats(limit: number): Promise<{ count: number; first: Repeat[] }> {
    await this.index();
    const { rows } = await this.client.query<{ row: number; first: number; n: string }>(
      `SELECT row, first, count(*) OVER () AS n FROM (
         SELECT row, min(row) OVER (PARTITION BY identity) AS first FROM ${TABLE}) x
       WHERE row <> first ORDER BY row LIMIT $1`,
      [limit],
    );
    return {
      count: Number(rows[0]?.n ?? 0),
      first: rows.map(({ row, first }) => ({ row, first })),
    };
  }

  // Identity order is byte order (COLLATE "C"), which is also JavaScript's string order except
  // between U+E000–U+FFFF and characters beyond U+FFFF.
  async hashes(): Promise<string[]> {
    await this.index();
    const hashes = Array.from({ length: this.traits }, () => createHash('sha256'));
    const values = hashes.map((_, t) => `v${t}`).join(', ');
    let after: string | null = null;
    for (;;) {
      const { rows }: { rows: Record<string, string | null>[] } = await this.client.query(
        `SELECT identity, scored_at, ${values} FROM ${TABLE}
         WHERE $1::text IS NULL OR identity COLLATE "C" > $1 ORDER BY identity COLLATE "C" LIMIT ${PAGE}`,
        [after],
      );
      for (const r of rows) {
        hashes.forEach((h, t) => h.update(`${r.identity}\t${r[`v${t}`]}\t${r.scored_at ?? ''}\n`));
      }
      if (rows.length < PAGE) return hashes.map((h) => h.digest('hex'));
      after = rows[rows.length - 1].identity;
    }
  }

  // Rows whose identity (of `type`) Traitbase does not know: how many, and the first one.
  async unknown(type: string): Promise<{ count: number; first: number | null }> {
    const { rows } = await this.client.query<{ n: string; first: number | null }>(
      `SELECT count(*) AS n, min(row) AS first FROM ${TABLE} s
       WHERE NOT EXISTS (SELECT 1 FROM identity i WHERE i.type = $1 AND i.value = s.identity)`,
      [type],
    );
    return { count: Number(rows[0].n), first: rows[0].first };
  }

  // The rows in file order, `size` at a time; with `knownOf`, only rows whose identity is known.
  async *pages(size: number, knownOf: string | null): AsyncGenerator<StagedRow[]> {
    const values = Array.from({ length: this.traits }, (_, t) => `v${t}`).join(', ');
    const known = knownOf
      ? 'AND EXISTS (SELECT 1 FROM identity i WHERE i.type = $3 AND i.value = s.identity)'
      : '';
    let after = 0;
    for (;;) {
      const { rows } = await this.client.query<Record<string, string | number | null>>(
        `SELECT row, identity, scored_at, ${values} FROM ${TABLE} s
         WHERE row > $1 ${known} ORDER BY row LIMIT $2`,
        knownOf ? [after, size, knownOf] : [after, size],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1].row as number;
      yield rows.map((r) => ({
        row: r.row as number,
        identity: r.identity as string,
        scoredAt: r.scored_at as string | null,
        values: Array.from(
          { length: this.traits },
          (_, t) => JSON.parse(r[`v${t}`] as string) as unknown,
        ),
      }));
    }
  }

  async close(): Promise<void> {
    await this.client.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await this.runner.release();
  }

  private async index(): Promise<void> {
    if (this.indexed) return;
    await this.client.query(`CREATE INDEX ON ${TABLE} (identity COLLATE "C")`);
    await this.client.query(`ANALYZE ${TABLE}`);
    this.indexed = true;
  }
}
