import type { FeedChange } from './feed-change';

// The Redis pub/sub channel announcing committed feed batches, one per deployment (schema).
export function feedChannel(schema: string): string {
  return `traitbase:${schema}:feed`;
}

// One announcement: the process that committed it, the transaction, how many changes, and the
// changes themselves when there are few.
export interface FeedAnnouncement {
  o: string;
  x: string;
  n: number;
  c?: FeedChange[];
}

export function parseAnnouncement(raw: string): FeedAnnouncement | null {
  try {
    const a = JSON.parse(raw) as Partial<FeedAnnouncement>;
    if (typeof a.o !== 'string' || typeof a.x !== 'string' || typeof a.n !== 'number') return null;
    if (a.c !== undefined && !Array.isArray(a.c)) return null;
    return a as FeedAnnouncement;
  } catch {
    return null;
  }
}
