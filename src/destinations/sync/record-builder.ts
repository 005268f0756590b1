import { createHash, randomUUID } from 'node:crypto';
import type { DestinationSpec, TimestampFormat } from '../spec/destination-spec';
import { DEFAULTS } from '../spec/destination-spec';

export type RecordType = 'entered' | 'exited' | 'changed';

// A record as stored in the outbox; rendered into each destination's wire format at delivery.
export interface SyncRecord {
  type: RecordType;
  action: 'upsert' | 'remove';
  profileId: string;
  audience: string | null;
  fields: Record<string, unknown>;
  at: string | number;
}

export interface OutboxDraft {
  destinationId: string;
  profileId: string;
  deliveryId: string;
  reason: string;
  subject: string | null;
  payload: SyncRecord;
  clearPii: string[];
  payloadHash: string;
  feedPosition: number | null;
}

export interface TraitMeta {
  type: string;
  pii: boolean;
}

export interface ProfileData {
  traits: Map<string, unknown>;
  identities: Map<string, string>;
}

export interface RecordCause {
  type: RecordType;
  reason: string;
  subject: string | null;
  audience: string | null;
  at: Date;
  position: number | null;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// Emails are hashed the way ad platforms match them: trimmed, lower-cased, SHA-256 hex.
export function hashPersonal(value: unknown): string {
  return sha256(
    String(typeof value === 'string' ? value : JSON.stringify(value))
      .trim()
      .toLowerCase(),
  );
}

export function formatTime(at: Date, format: TimestampFormat): string | number {
  if (format === 'epoch_s') return Math.floor(at.getTime() / 1000);
  if (format === 'epoch_ms') return at.getTime();
  return at.toISOString();
}

// One record for one destination: only the fields mapped for it; a personal value (a PII trait,
// the email identity, anything shaped like an email) leaves hashed unless `clear` lists it.
export function buildRecord(
  destinationId: string,
  spec: DestinationSpec,
  profileId: string,
  cause: RecordCause,
  data: ProfileData,
  meta: ReadonlyMap<string, TraitMeta>,
): OutboxDraft {
  const format = spec.timestamp_format ?? DEFAULTS.timestamp_format;
  const clear = new Set(spec.clear ?? []);
  const fields: Record<string, unknown> = {};
  const clearPii: string[] = [];
  const put = (name: string, value: unknown, pii: boolean, timestamp: boolean) => {
    const field = spec.mapping?.[name] ?? name;
    const personal = pii || (typeof value === 'string' && EMAIL.test(value));
    if (value !== null && value !== undefined && personal && !clear.has(name))
      value = hashPersonal(value);
    else if (value !== null && value !== undefined && personal) clearPii.push(field);
    else if (timestamp && typeof value === 'string') value = formatTime(new Date(value), format);
    fields[field] = value ?? null;
  };
  for (const t of spec.identities ?? [])
    put(t, data.identities.get(t) ?? null, t === 'email', false);
  for (const t of spec.traits ?? []) {
    const m = meta.get(t);
    put(t, data.traits.get(t) ?? null, m?.pii ?? false, m?.type === 'timestamp');
  }
  const mirror = (spec.mode ?? DEFAULTS.mode) === 'mirror';
  const payload: SyncRecord = {
    type: cause.type,
    action: cause.type === 'exited' && mirror ? 'remove' : 'upsert',
    profileId,
    audience: cause.audience,
    fields,
    at: formatTime(cause.at, format),
  };
  // The time is left out: a record differing only in when it was made is identical.
  const content = { ...payload, at: undefined };
  return {
    destinationId,
    profileId,
    deliveryId: randomUUID(),
    reason: cause.reason,
    subject: cause.subject,
    payload,
    clearPii,
    payloadHash: sha256(JSON.stringify(content)),
    feedPosition: cause.position,
  };
}
