import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { revertLastMigration, runMigrations } from '../../src/database/migrate';
import { TEST_DATABASE_URL } from './env';
import { schemaClient } from './test-schema';

export interface MigrationSchema {
  // Runs SQL on the schema; its rows.
  q: (text: string, params?: unknown[]) => Promise<any[]>;
  // Applies every migration not yet applied.
  migrate: () => Promise<void>;
  // Reverts migrations, newest first, until `name` is no longer applied.
  revertThrough: (name: string) => Promise<void>;
  // Whether `name` is applied now.
  applied: (name: string) => Promise<boolean>;
}

// A schema of the describe block's own, migrated before its tests and dropped after them, for
// testing a migration on data of the shape before it.
export function migrationSchema(): MigrationSchema {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let db: Client;
  beforeAll(async () => {
    await runMigrations(TEST_DATABASE_URL, schema);
    db = await schemaClient({ url: TEST_DATABASE_URL, schema });
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });
  const q = async (text: string, params: unknown[] = []) => (await db.query(text, params)).rows;
  const applied = async (name: string) =>
    (await q('SELECT name FROM migrations')).some((r: { name: string }) => r.name === name);
  return {
    q,
    applied,
    migrate: async () => {
      await runMigrations(TEST_DATABASE_URL, schema);
    },
    revertThrough: async (name) => {
      while (await applied(name)) await revertLastMigration(TEST_DATABASE_URL, schema);
    },
  };
}
