import { DomainError, ErrorCode } from '../errors/domain-error';

// Keyset paging over lists ordered by an instant, then a rank (which of several merged sources a
// row comes from), then a key unique within the source. Instants travel as fixed-width UTC text
// with microseconds: it sorts like the timestamp, parses back exactly in SQL, and keeps what a
// JavaScript Date would cut.
export const usText = (expr: string) =>
  `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const US_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// A Date in the same text (its microseconds are zero).
export const usTextOf = (d: Date) => d.toISOString().replace('Z', '000Z');

export interface Keyset {
  at: string;
  rank: number;
  key: string;
}

// An opaque cursor: base64url of [at, rank, key].
export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify([k.at, k.rank, k.key])).toString('base64url');
}

// `numericRanks`: ranks whose keys are row ids (bigint), checked before they reach SQL.
export function decodeCursor(
  field: string,
  cursor: string | null | undefined,
  numericRanks: readonly number[] = [0, 1],
): Keyset | null {
  if (cursor === null || cursor === undefined) return null;
  const bad = () =>
    new DomainError(ErrorCode.INVALID_INPUT, `${field}: not a cursor of this list`, {
      [field]: 'must be a cursor returned by the previous page',
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
  const [at, rank, key] = parsed as unknown[];
  if (typeof at !== 'string' || !US_TEXT.test(at) || Number.isNaN(Date.parse(at))) throw bad();
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 0 || rank > 9) throw bad();
  if (typeof key !== 'string' || key.length > 4096) throw bad();
  if (numericRanks.includes(rank) && !/^\d{1,19}$/.test(key)) throw bad();
  return { at, rank, key };
}

// How one source of rank `rank` reads a cursor of a newest-first list: every row at `at` comes
// after it (le), none does (lt), or those with a lower key (key).
export function keysetFor(
  after: Keyset | null,
  rank: number,
): { at: string | null; mode: 'le' | 'lt' | 'key'; key: string | null } {
  if (!after) return { at: null, mode: 'le', key: null };
  if (after.rank > rank) return { at: after.at, mode: 'le', key: null };
  if (after.rank < rank) return { at: after.at, mode: 'lt', key: null };
  return { at: after.at, mode: 'key', key: after.key };
}

// Newest first: by at, then rank, then key (numeric keys compared as numbers).
export function compareKeysetDesc(a: Keyset, b: Keyset): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const [x, y] =
    /^\d+$/.test(a.key) && /^\d+$/.test(b.key) ? [BigInt(a.key), BigInt(b.key)] : [a.key, b.key];
  return x === y ? 0 : x < y ? 1 : -1;
}
