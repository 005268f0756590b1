import { createHash } from 'node:crypto';
import { normalizeIdentity } from '../../identity/identity-normalizer';
import { MessageType } from './limits';
import { Reason, reason } from './reason';

// A message that passed the Segment field rules, with the fields the pipeline routes on.
export interface Envelope {
  type: MessageType;
  messageId: string;
  userId: string | null;
  anonymousId: string | null;
  // track: the event name; page/screen: the name; null otherwise.
  event: string | null;
  // The message as stored: the client's fields, with the batch's defaults merged in.
  body: Record<string, unknown>;
}

export type Checked = { ok: true; envelope: Envelope } | { ok: false; reasons: Reason[] };

const MAX_ID = 256;
const MAX_NAME = 256;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const OBJECT_FIELDS: Record<MessageType, string[]> = {
  identify: ['traits', 'context', 'integrations'],
  track: ['properties', 'context', 'integrations'],
  page: ['properties', 'context', 'integrations'],
  screen: ['properties', 'context', 'integrations'],
  group: ['traits', 'context', 'integrations'],
  alias: ['context', 'integrations'],
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_ID_VALUE = 1024;

// An id field that is not an identity of its own type (previousId, groupId): a non-empty string or
// number of at most 1024 characters.
function plainId(body: Record<string, unknown>, field: string, reasons: Reason[]): void {
  const raw = body[field];
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  if (text === '' || text.length > MAX_ID_VALUE) {
    reasons.push(
      reason(
        `/${field}`,
        'type',
        `${field}: must be a non-empty string of at most ${MAX_ID_VALUE} characters`,
      ),
    );
  }
}

// userId / anonymousId under the identity rules (identity.yaml). A blocked value (e.g. "undefined")
// counts as absent, so the message still arrives through the other one when it has it.
function identityField(
  body: Record<string, unknown>,
  field: string,
  type: string,
  reasons: Reason[],
  blocked: string[],
): string | null {
  const raw = body[field];
  if (raw === undefined || raw === null) return null;
  const id = normalizeIdentity(type, raw);
  if (id.ok) return id.value;
  const rule = `${field}: ${id.reason.replace(/^identity\.value: /, '')}`;
  if (id.blocked) blocked.push(rule);
  else reasons.push(reason(`/${field}`, 'identity', rule));
  return null;
}

function nameField(
  body: Record<string, unknown>,
  field: string,
  required: boolean,
  reasons: Reason[],
): string | null {
  const raw = body[field];
  if (raw === undefined || raw === null || raw === '') {
    if (required)
      reasons.push(
        reason(`/${field}`, 'required', `${field}: is required on a ${String(body.type)} call`),
      );
    return null;
  }
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > MAX_NAME) {
    reasons.push(
      reason(
        `/${field}`,
        'type',
        `${field}: must be a non-empty string of at most ${MAX_NAME} characters`,
      ),
    );
    return null;
  }
  return raw;
}

function checkTimes(body: Record<string, unknown>, reasons: Reason[]): void {
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt']) {
    const raw = body[field];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string' || !ISO_8601.test(raw) || Number.isNaN(Date.parse(raw))) {
      reasons.push(reason(`/${field}`, 'format', `${field}: must be an ISO-8601 date-time`));
    }
  }
}

function messageIdOf(body: Record<string, unknown>, serialized: string, reasons: Reason[]): string {
  const raw = body.messageId;
  if (raw === undefined || raw === null || raw === '') {
    // No messageId: a hash of the message, so a client re-sending the same body is deduplicated too.
    return `sha256:${createHash('sha256').update(serialized).digest('base64url')}`;
  }
  if ((typeof raw !== 'string' && typeof raw !== 'number') || String(raw).length > MAX_ID) {
    reasons.push(
      reason('/messageId', 'type', `messageId: must be a string of at most ${MAX_ID} characters`),
    );
    return '';
  }
  return String(raw);
}

// The Segment spec's field rules: userId or anonymousId, `event` on track, `groupId` on group,
// `previousId` and `userId` on alias, objects where objects belong, ISO-8601 times.
export function checkEnvelope(
  type: MessageType,
  body: Record<string, unknown>,
  serialized: string,
): Checked {
  const reasons: Reason[] = [];
  const blocked: string[] = [];
  const userId = identityField(body, 'userId', 'user_id', reasons, blocked);
  const anonymousId = identityField(body, 'anonymousId', 'anonymous_id', reasons, blocked);
  if (reasons.length === 0 && userId === null && anonymousId === null) {
    const why = blocked.length > 0 ? ` (${blocked.join('; ')})` : '';
    reasons.push(reason('', 'identity', `userId or anonymousId: one of them is required${why}`));
  }
  if (type === 'alias') {
    if (body.userId === undefined || body.userId === null)
      reasons.push(reason('/userId', 'required', 'userId: is required on an alias call'));
    if (body.previousId === undefined || body.previousId === null) {
      reasons.push(reason('/previousId', 'required', 'previousId: is required on an alias call'));
    } else plainId(body, 'previousId', reasons);
  }
  if (type === 'group') {
    if (body.groupId === undefined || body.groupId === null || body.groupId === '') {
      reasons.push(reason('/groupId', 'required', 'groupId: is required on a group call'));
    } else plainId(body, 'groupId', reasons);
  }
  const event =
    type === 'track'
      ? nameField(body, 'event', true, reasons)
      : type === 'page' || type === 'screen'
        ? nameField(body, 'name', false, reasons)
        : null;
  for (const field of OBJECT_FIELDS[type]) {
    const value = body[field];
    if (value !== undefined && value !== null && !isPlainObject(value)) {
      reasons.push(reason(`/${field}`, 'type', `${field}: must be an object`));
    }
  }
  checkTimes(body, reasons);
  const messageId = messageIdOf(body, serialized, reasons);
  if (reasons.length > 0) return { ok: false, reasons };
  return { ok: true, envelope: { type, messageId, userId, anonymousId, event, body } };
}
