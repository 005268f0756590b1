import type { DataSource, QueryRunner } from 'typeorm';

export interface SourceLock {
  release: () => Promise<void>;
}

// One run at a time per source, across every worker process: a session advisory lock on a
// connection held for the run. A killed worker's connection closes and the lock goes with it.
export async function tryLockSource(
  db: DataSource,
  schema: string,
  source: string,
): Promise<SourceLock | null> {
  const runner: QueryRunner = db.createQueryRunner();
  await runner.connect();
  const key = `traitbase:${schema}:dbt:${source}`;
  try {
    const [row] = (await runner.query(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
      [key],
    )) as { ok: boolean }[];
    if (!row.ok) {
      await runner.release();
      return null;
    }
  } catch (err) {
    await runner.release();
    throw err;
  }
  return {
    release: async () => {
      await runner
        .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key])
        .catch(() => undefined);
      await runner.release();
    },
  };
}
