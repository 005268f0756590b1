import { createHash } from 'node:crypto';

// Serialisation failures and deadlocks (a merge and a write meeting in the opposite order), and a
// unique violation where two writers inserted the same identity at once: the transaction rolled
// back whole, so running it again is safe.
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001', '23505']);

// Thrown inside a transaction when what it read has changed underneath (an identity moved by a
// concurrent merge): roll back and run again.
export class RetryableConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryableConflict';
  }
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof RetryableConflict) return true;
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.has(code);
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Runs a whole transaction again on a retryable failure, a bounded number of times, with full
// jitter (a random wait up to base·2^attempt) so colliding writers do not collide again in step.
export async function withRetry<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { attempts = 10, baseMs = 5, maxMs = 400 } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      await sleep(Math.random() * Math.min(maxMs, baseMs * 2 ** attempt));
    }
  }
}

// 64-bit advisory lock keys for identities, namespaced by schema so test schemas do not contend.
export function identityLockKeys(schema: string, keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    out.add(
      createHash('sha256')
        .update(schema)
        .update('\u0000')
        .update(key)
        .digest()
        .readBigInt64BE(0)
        .toString(),
    );
  }
  return [...out].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}

// Takes the locks in the order of the (sorted) array: unnest yields its elements in order.
export const ADVISORY_LOCK_IDENTITIES =
  'SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k';
