import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';
import { withSessionLock } from './session-lock';

// Arbitrary but fixed: every replica contends for the same advisory lock.
const MIGRATION_LOCK_KEY = 7_304_112_019;

async function withMigrationLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const query = async (sql: string, params: unknown[]): Promise<unknown> =>
      (await client.query(sql, params)).rows as unknown;
    return (await withSessionLock(query, MIGRATION_LOCK_KEY, 'wait', work)) as T;
  } finally {
    await client.end();
  }
}

export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

// Applies pending migrations under a Postgres advisory lock so replicas may start together.
export async function runMigrations(url: string, schema = 'public'): Promise<string[]> {
  await ensureSchema(url, schema);
  return withMigrationLock(url, async () => {
    const ds = new DataSource(dataSourceOptions(url, schema));
    await ds.initialize();
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  });
}

export async function revertLastMigration(url: string, schema = 'public'): Promise<void> {
  await withMigrationLock(url, async () => {
    const ds = new DataSource(dataSourceOptions(url, schema));
    await ds.initialize();
    try {
      await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  });
}
