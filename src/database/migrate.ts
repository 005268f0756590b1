import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';

// Arbitrary but fixed: every replica contends for the same advisory lock.
const MIGRATION_LOCK_KEY = 7_304_112_019;

async function withAdvisoryLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
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
  return withAdvisoryLock(url, async () => {
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
  await withAdvisoryLock(url, async () => {
    const ds = new DataSource(dataSourceOptions(url, schema));
    await ds.initialize();
    try {
      await ds.undoLastMigration({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  });
}
