import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import * as TW from '../baselines/trait-write-ceiling.sql';
import { BENCH_DATABASE_URL, checkpoint, countRows, prewarmSchema } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { median } from '../lib/stats';
import { CeilingTrait, CREATE_JOINED, CREATE_PROFILES } from './ceiling.sql';
import { elapsedSeconds, serverCounts, ServerCounts } from './counts';
import { relationOf, TRAIT_COLUMNS, warehouseSchema } from './dataset';

export interface BaselineArgs {
  // Migrated schema with the trait definitions, for the SQL ceiling.
  ceilingSchema: string;
  // Empty schema for the raw copy.
  rawSchema: string;
  rows: number;
}

export interface BaselineReport {
  // Raw copy-out of the relation and copy-in of the same stream to an unindexed table.
  rawCopy: { rows: number; seconds: number; repetitions: number[] };
  ceiling: { seconds: number; counts: ServerCounts };
}

const COLUMNS = 'user_id, ltv, level, vip, country, last_login, updated_at';

async function connect(schema: string): Promise<Client> {
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  return client;
}

async function rawCopy(args: BaselineArgs): Promise<BaselineReport['rawCopy']> {
  const out = await connect(args.rawSchema);
  const into = await connect(args.rawSchema);
  const repetitions: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < 3; i++) {
      await into.query('DROP TABLE IF EXISTS raw_players');
      await into.query(`CREATE TABLE raw_players (LIKE ${relationOf(args.rows)})`);
      await checkpoint(into);
      const start = process.hrtime.bigint();
      await pipeline(
        out.query(copyTo(`COPY (SELECT ${COLUMNS} FROM ${relationOf(args.rows)}) TO STDOUT`)),
        into.query(copyFrom(`COPY raw_players (${COLUMNS}) FROM STDIN`)),
      );
      repetitions.push(elapsedSeconds(start));
      rows = await countRows(into, 'raw_players');
    }
    await into.query('DROP TABLE raw_players');
  } finally {
    await out.end();
    await into.end();
  }
  return { rows, seconds: median(repetitions), repetitions };
}

async function ceiling(args: BaselineArgs): Promise<BaselineReport['ceiling']> {
  const client = await connect(args.ceilingSchema);
  try {
    const defs = await client.query<{ id: number; version: number; name: string }>(
      'SELECT id, version, name FROM trait_definition',
    );
    const traits: CeilingTrait[] = TRAIT_COLUMNS.map((t) => {
      const def = defs.rows.find((d) => d.name === t.name);
      if (!def) throw new Error(`no definition ${t.name}`);
      return { id: def.id, version: def.version, column: t.column, type: t.type };
    });
    const relation = relationOf(args.rows);
    const params = ['dbt', JSON.stringify({ uniqueId: 'bench' }), null];
    await checkpoint(client);
    const start = process.hrtime.bigint();
    await client.query('BEGIN');
    await client.query(CREATE_PROFILES(relation), ['dbt']);
    // Statistics for what this transaction just wrote, so no step is planned for empty tables.
    await client.query('ANALYZE identity');
    await client.query(CREATE_JOINED(relation, traits));
    await client.query('ANALYZE cj');
    await client.query(TW.CREATE_BUMPED);
    await client.query(TW.BUMP_PROFILES);
    await client.query('ANALYZE cp');
    await client.query(TW.WRITE_CHANGES, params);
    await client.query(TW.CONFIRM_UNCHANGED);
    await client.query('COMMIT');
    return { seconds: elapsedSeconds(start), counts: await serverCounts(args.ceilingSchema) };
  } finally {
    await client.end();
  }
}

// Both baselines of bench/dbt-sync in one process, on a prewarmed relation.
runAsChild<BaselineReport>(async () => {
  const args = childArgs<BaselineArgs>();
  const client = await connect('public');
  await prewarmSchema(client, warehouseSchema(args.rows)).finally(() => client.end());
  return { rawCopy: await rawCopy(args), ceiling: await ceiling(args) };
});
