import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Client } from 'pg';
import { runMigrations } from '../../src/database/migrate';

// Benchmarks get their own database, so they never touch dev or test data.
export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/traitbase_bench';

export async function withClient<T>(
  work: (client: Client) => Promise<T>,
  schema?: string,
): Promise<T> {
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// Benchmarks on one 2-core machine must not overlap: each figure holds this advisory lock from
// ensureBenchDatabase() until its process exits. Children inherit BENCH_LOCK_HELD and skip it.
// Distinct from the migration (…019) and trait-definition apply (…020) locks: a figure that boots
// the service while holding this lock must not block the service's own start-up.
const BENCH_LOCK_KEY = 7_304_112_029;
const LOCK_HELD_ENV = 'BENCH_LOCK_HELD';
const LOCK_WAIT = '60min';

async function holdBenchLock(): Promise<void> {
  if (process.env[LOCK_HELD_ENV] || process.env.BENCH_NO_LOCK === '1') return;
  const client = new Client({ connectionString: BENCH_DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
    BENCH_LOCK_KEY,
  ]);
  if (!rows[0].ok) {
    process.stderr.write('[bench] waiting for another benchmark on this database to finish\n');
    await client.query(`SET lock_timeout = '${LOCK_WAIT}'`);
    await client.query('SELECT pg_advisory_lock($1)', [BENCH_LOCK_KEY]);
  }
  process.env[LOCK_HELD_ENV] = String(process.pid);
  // The session (and so the lock) lasts as long as this process, without keeping it alive.
  (client as unknown as { connection: { stream: Socket } }).connection.stream.unref();
}

// Creates the benchmark database when this server has none yet (a new machine), with the
// extension the figures use to warm tables.
export async function createBenchDatabase(): Promise<void> {
  const url = new URL(BENCH_DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  await withClient((c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm WITH SCHEMA public'));
}

export async function ensureBenchDatabase(): Promise<void> {
  await createBenchDatabase();
  await holdBenchLock();
}

// A fresh schema for one measurement: the product's migrations, or an empty one for raw baselines.
export async function createSchema(prefix: string, migrated: boolean): Promise<string> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  if (migrated) await runMigrations(BENCH_DATABASE_URL, schema);
  else await withClient((c) => c.query(`CREATE SCHEMA "${schema}"`));
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

// Leftovers of an interrupted run (same prefix) would only eat disk.
export async function dropSchemas(prefix: string): Promise<void> {
  await withClient(async (c) => {
    const { rows } = await c.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`,
      [`${prefix.replace(/_/g, '\\_')}\\_%`],
    );
    for (const r of rows) await c.query(`DROP SCHEMA "${r.nspname}" CASCADE`);
  });
}

// Flushes dirty pages so one measurement does not pay for the previous one's checkpoint.
export async function checkpoint(client: Client): Promise<void> {
  await client.query('CHECKPOINT');
}

// What autovacuum does after a big load (visibility map, hint bits, statistics), done now so it
// cannot land in the middle of a timed phase.
export async function vacuumAnalyze(client: Client, schema: string): Promise<void> {
  const { rows } = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [schema],
  );
  for (const r of rows) await client.query(`VACUUM (ANALYZE) "${schema}"."${r.relname}"`);
}

// Loads a schema's tables and indexes, largest first, so the small hot ones end up in shared buffers
// and the rest at least in the page cache (this VM drops it).
export async function prewarmSchema(client: Client, schema: string): Promise<void> {
  await client.query(
    `SELECT public.pg_prewarm(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'i') ORDER BY pg_relation_size(c.oid) DESC`,
    [schema],
  );
}

export async function countRows(client: Client, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}
