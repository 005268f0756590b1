import type { DataSource } from 'typeorm';

export const LOCK_BUSY = Symbol('LOCK_BUSY');

// Runs one statement on the connection that holds the lock.
export type LockQuery = (sql: string, params: unknown[]) => Promise<unknown>;

// A Postgres session advisory lock held on one connection for the duration of `work`: it goes
// with the connection if the process dies, so a crashed worker never leaves anything locked.
// 'wait' queues behind the holder; 'try' gives LOCK_BUSY at once. A text key is hashed
// (hashtextextended); a numeric key is used as it is.
export async function withSessionLock<T>(
  query: LockQuery,
  key: string | number,
  mode: 'wait' | 'try',
  work: () => Promise<T>,
): Promise<T | typeof LOCK_BUSY> {
  const id = typeof key === 'number' ? '$1::bigint' : 'hashtextextended($1, 0)';
  if (mode === 'wait') await query(`SELECT pg_advisory_lock(${id})`, [key]);
  else {
    const rows = (await query(`SELECT pg_try_advisory_lock(${id}) AS ok`, [key])) as {
      ok: boolean;
    }[];
    if (!rows[0]?.ok) return LOCK_BUSY;
  }
  try {
    return await work();
  } finally {
    await query(`SELECT pg_advisory_unlock(${id})`, [key]).catch(() => undefined);
  }
}

// withSessionLock on a connection of its own from the DataSource's pool.
export async function withDataSourceLock<T>(
  db: DataSource,
  key: string,
  mode: 'wait' | 'try',
  work: () => Promise<T>,
): Promise<T | typeof LOCK_BUSY> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    return await withSessionLock((sql, params) => runner.query(sql, params), key, mode, work);
  } finally {
    await runner.release();
  }
}

// Advisory locks are per database: keys name the schema, so deployments sharing a database never
// contend.
export function schemaLockKey(db: DataSource, name: string): string {
  return `${(db.options as { schema?: string }).schema ?? 'public'}:${name}`;
}
