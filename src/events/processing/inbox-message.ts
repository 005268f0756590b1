import type { IdentityInputRef } from '../../identity/engine/prepare-observation';
import { normalizeIdentity } from '../../identity/identity-normalizer';
import type { ObserveResult } from '../../identity/resolve/observation.types';
import type { IdentityRef } from '../../traits/trait-write.types';

// An inbox row as the drain reads it (FETCH_PENDING).
export interface PendingRow {
  id: string;
  source_id: string;
  message_id: string;
  type: string;
  event: string | null;
  received_at: Date;
  schema_version: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  previous_id: string | null;
  timestamp: string | null;
  original_timestamp: string | null;
  sent_at: string | null;
  trait_source: Record<string, unknown> | null;
  // The values at the identity paths of identity.yaml, in their order (FETCH_PENDING).
  path_values?: (string | null)[] | null;
}

export interface TimedMessage {
  row: PendingRow;
  // The identities the message shows together: userId and anonymousId (alias: userId and previousId),
  // then those found at the identity paths of identity.yaml (traits.email, context.device.id, …).
  observed: IdentityInputRef[];
  // How many of `observed` are userId / anonymousId: the identities a message can arrive through.
  primary: number;
  time: Date;
  // When a trait value it carries was true: the event time, unless it is implausibly far ahead.
  observedAt: Date;
}

export interface ResolvedMessage extends TimedMessage {
  // The identity the message arrived through: userId when usable, else anonymousId.
  identity: IdentityRef;
  profileId: string;
}

const MAX_FUTURE_MS = 60 * 60 * 1000;

function date(text: string | null): Date | null {
  if (!text) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

// Segment's rule: `timestamp` when the client set it; else the receive time corrected by the
// client's clock skew (receivedAt - (sentAt - originalTimestamp)); else the receive time.
export function eventTime(row: PendingRow): Date {
  const received = new Date(row.received_at);
  const timestamp = date(row.timestamp);
  if (timestamp) return timestamp;
  const original = date(row.original_timestamp);
  const sent = date(row.sent_at);
  if (original && sent) return new Date(received.getTime() - (sent.getTime() - original.getTime()));
  return original ?? received;
}

// previousIdType: what an alias's previousId already is (a user_id or an anonymous_id);
// pathTypes[i]: the identity type of the value at path_values[i].
export function timedMessage(
  row: PendingRow,
  previousIdType: string,
  pathTypes: readonly string[] = [],
): TimedMessage {
  const observed: IdentityInputRef[] = [];
  if (row.user_id !== null) observed.push({ type: 'user_id', value: row.user_id });
  if (row.anonymous_id !== null) observed.push({ type: 'anonymous_id', value: row.anonymous_id });
  const primary = observed.length;
  if (row.type === 'alias' && row.previous_id !== null)
    observed.push({ type: previousIdType, value: row.previous_id });
  (row.path_values ?? []).forEach((value, i) => {
    const type = pathTypes[i];
    if (value === null || type === undefined) return;
    if (!observed.some((o) => o.type === type && o.value === value)) observed.push({ type, value });
  });
  const time = eventTime(row);
  const received = new Date(row.received_at).getTime();
  const observedAt = time.getTime() > received + MAX_FUTURE_MS ? new Date(received) : time;
  return { row, observed, primary, time, observedAt };
}

// Joins a message with what identity resolution made of it; a string is why it cannot be applied.
export function resolvedMessage(m: TimedMessage, result: ObserveResult): ResolvedMessage | string {
  const dropped = new Set(result.dropped.map((d) => d.index));
  const arrivedThrough = m.observed.findIndex((_, i) => i < m.primary && !dropped.has(i));
  if (result.profileId === null || arrivedThrough === -1) {
    const reasons = result.dropped.map((d) => `${String(m.observed[d.index]?.type)}: ${d.reason}`);
    return `identity: no usable userId or anonymousId (${reasons.join('; ') || 'none given'})`;
  }
  const { type, value } = m.observed[arrivedThrough];
  const identity = normalizeIdentity(type, value);
  if (!identity.ok) return `identity: ${identity.reason}`;
  return {
    ...m,
    identity: { type: identity.type, value: identity.value },
    profileId: result.profileId,
  };
}
