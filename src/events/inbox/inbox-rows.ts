import type { Reason } from '../ingest/reason';

export interface InboxRow {
  sourceId: string;
  messageId: string;
  shard: number;
  type: string;
  event: string | null;
  payload: string;
  receivedAt: Date;
  schemaVersion: string | null;
}

export interface InvalidRow {
  receivedAt: Date;
  sourceId: string;
  sourceName: string;
  type: string | null;
  event: string | null;
  messageId: string | null;
  schemaVersion: string | null;
  reasons: Reason[];
  payload: string | null;
}

// Column arrays for WRITE_INBOX ($1…$17), in its column order.
export function inboxParams(rows: InboxRow[], invalid: InvalidRow[]): unknown[] {
  const col = <T, V>(list: T[], pick: (t: T) => V) => list.map(pick);
  return [
    col(rows, (r) => r.sourceId),
    col(rows, (r) => r.messageId),
    col(rows, (r) => r.shard),
    col(rows, (r) => r.type),
    col(rows, (r) => r.event),
    col(rows, (r) => r.payload),
    col(rows, (r) => r.receivedAt),
    col(rows, (r) => r.schemaVersion),
    col(invalid, (r) => r.receivedAt),
    col(invalid, (r) => r.sourceId),
    col(invalid, (r) => r.sourceName),
    col(invalid, (r) => r.type),
    col(invalid, (r) => r.event),
    col(invalid, (r) => r.messageId),
    col(invalid, (r) => r.schemaVersion),
    col(invalid, (r) => JSON.stringify(r.reasons)),
    col(invalid, (r) => r.payload),
  ];
}
