import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { queryNamed, queryPrepared } from '../database/pg-pool';
import { normalizeIdentity } from '../identity/identity-normalizer';

// The suppression list: identities of erased people, stored only as SHA-256 of "type:value"
// (normalised). Every source checks it before storing: ingestion drops messages carrying a
// suppressed userId/anonymousId/previousId, the trait write path (writeTraits, dbt, notebooks,
// event traits) rejects rows of a suppressed identity.
export function hashIdentity(type: string, value: string): string {
  return createHash('sha256').update(`${type}:${value}`).digest('hex');
}

// The hash of an identity as the write path would store it; null when it is not a valid identity.
export function normalizedHash(type: unknown, value: unknown): string | null {
  const n = normalizeIdentity(type, value);
  return n.ok ? hashIdentity(n.type, n.value) : null;
}

export const SUPPRESSED_OF = `SELECT hash FROM erasure_suppression WHERE hash = ANY($1::text[])`;
// Its name as a prepared statement.
const SUPPRESSED_NAME = 'erasure-suppressed';

const HASH = /^[0-9a-f]{64}$/;

// The same look with the hashes inline, for a first round trip that carries several statements
// (which cannot take parameters). Only hashes computed here are accepted.
export function suppressedOfInline(hashes: readonly string[]): string {
  for (const h of hashes)
    if (!HASH.test(h)) throw new Error('suppression: not a SHA-256 hex digest');
  return `SELECT hash FROM erasure_suppression WHERE hash = ANY('{${hashes.join(',')}}'::text[])`;
}

export type Query = (sql: string, params: unknown[]) => Promise<{ hash: string }[]>;

// The lookup as a named statement (parsed and planned once a connection): on the app's database,
// or inside a transaction on its client.
export function suppressionQuery(on: DataSource | PoolClient): Query {
  if (on instanceof DataSource)
    return (sql, params) => queryPrepared<{ hash: string }>(on, SUPPRESSED_NAME, sql, params);
  return async (sql, params) =>
    (await queryNamed<{ hash: string }>(on, SUPPRESSED_NAME, sql, params)).rows;
}

// Which of the hashes are suppressed, in one indexed lookup.
export async function suppressedHashes(
  query: Query,
  hashes: Iterable<string | null>,
): Promise<Set<string>> {
  const list = [...new Set([...hashes].filter((h): h is string => h !== null))];
  if (list.length === 0) return new Set();
  const rows = await query(SUPPRESSED_OF, [list]);
  return new Set(rows.map((r) => r.hash));
}

export const ERASED_REASON = 'identity: erased on request; nothing about it is stored again';

// suppressedHashes for many concurrent callers: the lookups asked for in one turn of the event
// loop share one query (single-event ingestion requests arrive that way, each with a few hashes;
// a query each was one round trip per request beside the inbox's shared insert).
export function sharedSuppressionLookup(
  query: Query,
): (hashes: Iterable<string | null>) => Promise<Set<string>> {
  let waiting:
    { hashes: string[]; resolve: (s: Set<string>) => void; reject: (e: unknown) => void }[] | null =
    null;
  const flush = async () => {
    const callers = waiting ?? [];
    waiting = null;
    try {
      const found = await suppressedHashes(
        query,
        callers.flatMap((c) => c.hashes),
      );
      for (const c of callers) c.resolve(new Set(c.hashes.filter((h) => found.has(h))));
    } catch (err) {
      for (const c of callers) c.reject(err);
    }
  };
  return (hashes) => {
    const list = [...hashes].filter((h): h is string => h !== null);
    if (list.length === 0) return Promise.resolve(new Set());
    if (!waiting) {
      waiting = [];
      setImmediate(() => void flush());
    }
    const callers = waiting;
    return new Promise((resolve, reject) => callers.push({ hashes: list, resolve, reject }));
  };
}
