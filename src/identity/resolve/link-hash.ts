import { hash } from 'node:crypto';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// A link's identities in their stored order: by type, then value (code-unit order).
export function sortedMembers<T extends { type: string; value: string }>(
  members: readonly T[],
): T[] {
  return [...members].sort((a, b) => compare(a.type, b.type) || compare(a.value, b.value));
}

// The identity of a link: its set of identities, independent of order and of the rules' priorities.
export function linkHash(
  members: readonly { type: string; value: string }[],
  forced: boolean,
): string {
  const text = sortedMembers(members).map((m) => `${m.type}\u0000${m.value}\u0001`);
  return hash('sha256', `${forced ? 'forced' : 'observed'}\u0002${text.join('')}`, 'base64url');
}
