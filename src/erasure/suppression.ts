import { createHash } from 'node:crypto';
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

export type Query = (sql: string, params: unknown[]) => Promise<{ hash: string }[]>;

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
