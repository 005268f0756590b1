import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { LOCK_BUSY, schemaLockKey, withDataSourceLock } from '../../database/session-lock';

// One evaluation of an audience at a time: a full evaluation holds this lock (a session lock on
// its own connection) from its snapshot until its last write; an incremental evaluation takes it
// for its transaction. So a full pass never writes a membership older than one an incremental
// evaluation already wrote, and the other way round.
export function audienceLockKey(audienceId: string): string {
  return `audience:${audienceId}`;
}

// Runs `work` holding a session advisory lock named `key` (waiting for it).
export async function withWaitingLock<T>(
  db: DataSource,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const r = await withDataSourceLock(db, schemaLockKey(db, key), 'wait', work);
  if (r === LOCK_BUSY) throw new Error('unreachable: a waiting lock is never busy');
  return r;
}

export function withAudienceLock<T>(
  db: DataSource,
  audienceId: string,
  work: () => Promise<T>,
): Promise<T> {
  return withWaitingLock(db, audienceLockKey(audienceId), work);
}

// The same lock, for the rest of the transaction `tx` (same key as schemaLockKey).
export async function lockAudienceInTransaction(
  tx: PoolClient,
  schema: string,
  audienceId: string,
): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `${schema}:${audienceLockKey(audienceId)}`,
  ]);
}
