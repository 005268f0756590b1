import type { DataSource } from 'typeorm';

export const LOCK_BUSY = Symbol('LOCK_BUSY');

// A Postgres session advisory lock held on its own connection for the duration of `work`; it is
// released if this process dies, so a crashed worker never leaves a notebook locked. Advisory locks
// are per database, so the key names the schema: deployments sharing a database never contend.
export async function withAdvisoryLock<T>(
  db: DataSource,
  key: string,
  mode: 'wait' | 'try',
  work: () => Promise<T>,
): Promise<T | typeof LOCK_BUSY> {
  const schema = (db.options as { schema?: string }).schema ?? 'public';
  const lockKey = `${schema}:${key}`;
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    if (mode === 'wait')
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
    else {
      const [row] = (await runner.query(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
        [lockKey],
      )) as { ok: boolean }[];
      if (!row.ok) return LOCK_BUSY;
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
    }
  } finally {
    await runner.release();
  }
}
