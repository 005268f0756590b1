import { Client } from 'pg';
import { redisAnswers } from '../src/redis/redis-check';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './utils/env';

// Verifies Postgres and Redis answer and that the test database exists. Each test file then
// migrates its own schema (test/utils/test-app.ts), so files run in parallel and re-runs are clean.
export default async function globalSetup(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const dbName = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect().catch((err: Error) => {
    throw new Error(`Postgres for tests does not answer at ${url.host}: ${err.message}`);
  });
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${dbName}"`).catch(() => undefined);
  } finally {
    await admin.end();
  }
  if (!(await redisAnswers(TEST_REDIS_URL))) throw new Error(`Redis for tests does not answer at ${TEST_REDIS_URL}`);
}
