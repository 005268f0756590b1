import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '../../src/database/migrate';
import { TEST_DATABASE_URL } from './env';

export interface TestSchema {
  url: string;
  schema: string;
  drop: () => Promise<void>;
}

// A fresh, migrated schema for one test file: full isolation, including trait definitions.
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await runMigrations(TEST_DATABASE_URL, schema);
  return {
    url: TEST_DATABASE_URL,
    schema,
    drop: () => dropSchema(schema),
  };
}

// Also for tests that start a server process on a schema of their own (it migrates it itself).
export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

// A connection of its own to a test schema (search_path set), connected; `settings` adds more
// (`-c name=value …`). The caller ends it.
export async function schemaClient(
  db: { url: string; schema: string },
  settings = '',
): Promise<Client> {
  const client = new Client({
    connectionString: db.url,
    options: `-c search_path=${db.schema}${settings ? ` ${settings}` : ''}`,
  });
  await client.connect();
  return client;
}
