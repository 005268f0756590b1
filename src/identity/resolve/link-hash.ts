import { hash } from 'node:crypto';
import { sortSmall } from '../engine/sort-small';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byTypeThenValue = (a: { type: string; value: string }, b: { type: string; value: string }) =>
  compare(a.type, b.type) || compare(a.value, b.value);

// A link's identities in their stored order: by type, then value (code-unit order). A new array.
export function sortedMembers<T extends { type: string; value: string }>(
  members: readonly T[],
): T[] {
  return sortSmall(members.slice(), byTypeThenValue);
}

// A link: its identities in stored order, and its identity — the hash of the set, independent of
// order and of the rules' priorities.
export function linkOf<T extends { type: string; value: string }>(
  members: readonly T[],
  forced: boolean,
): { hash: string; members: T[] } {
  const sorted = sortedMembers(members);
  let text = forced ? 'forced\u0002' : 'observed\u0002';
  for (const m of sorted) text += `${m.type}\u0000${m.value}\u0001`;
  return { hash: hash('sha256', text, 'base64url'), members: sorted };
}
