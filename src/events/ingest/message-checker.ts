import { checkTraitValue } from '../../traits/trait-value.validator';
import { EventTraitMap, traitValuesOf } from '../event-traits/event-trait-map.service';
import { checkAgainstPlan, IngestSource } from '../plan/plan-validator';
import type { TrackingPlan } from '../plan/tracking-plan';
import { checkEnvelope, Envelope, isPlainObject } from './envelope';
import { jsonShapeProblem } from './json-shape';
import { isMessageType, MAX_MESSAGE_BYTES, MESSAGE_TYPES, MessageType } from './limits';
import { Reason, reason } from './reason';
import { shardOf } from './shard';

// Postgres jsonb refuses \u0000 and unpaired surrogates; JSON.stringify writes exactly those as
// escapes (an odd run of backslashes before the u), so they are found in the text.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

export interface AcceptedMessage {
  index: number;
  envelope: Envelope;
  shard: number;
  schemaVersion: string | null;
  // The message as stored in the inbox (JSON text).
  payload: string;
}

export interface RejectedMessage {
  index: number;
  type: string | null;
  event: string | null;
  messageId: string | null;
  schemaVersion: string | null;
  reasons: Reason[];
  // Null when the message is not an object or is over the per-message limit.
  payload: string | null;
}

export type CheckedMessage =
  { ok: true; message: AcceptedMessage } | { ok: false; message: RejectedMessage };

export interface CheckContext {
  plan: TrackingPlan;
  source: IngestSource;
  traits: EventTraitMap;
  // batch-level context / integrations / sentAt, applied to messages that lack their own.
  defaults: Record<string, unknown>;
}

// Postgres text refuses NUL and lone surrogates: they are dropped from the fields kept as text.
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const UNSTORABLE_CHARS = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function text(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number'
    ? String(value).slice(0, 256).replace(UNSTORABLE_CHARS, '')
    : null;
}

function rejected(
  index: number,
  body: Record<string, unknown> | null,
  reasons: Reason[],
  payload: string | null,
  schemaVersion: string | null = null,
  messageId: string | null = text(body?.messageId),
): CheckedMessage {
  return {
    ok: false,
    message: {
      index,
      type: text(body?.type),
      event: text(body?.event ?? body?.name),
      messageId,
      schemaVersion,
      reasons: reasons.map((r) => ({ ...r, rule: r.rule.replace(UNSTORABLE_CHARS, '') })),
      // Kept in the invalid-events log only when jsonb can hold it.
      payload: payload !== null && UNSTORABLE_ESCAPE.test(payload) ? null : payload,
    },
  };
}

// Values of traits fed by this message must fit their trait definition's type.
function traitReasons(traits: EventTraitMap, envelope: Envelope): Reason[] {
  const reasons: Reason[] = [];
  for (const { trait, value, pointer } of traitValuesOf(
    traits,
    envelope.type,
    envelope.event,
    envelope.body,
  )) {
    const checked = checkTraitValue(trait.def, value);
    if (!checked.ok) reasons.push(reason(pointer, 'trait', checked.reason.replace(/^value: /, '')));
  }
  return reasons;
}

// One message through every rule: shape and size, the Segment field rules, the tracking plan,
// and the types of the traits it feeds. Returns what the inbox or the invalid-events log stores.
export function checkMessage(
  raw: unknown,
  index: number,
  routeType: MessageType | null,
  ctx: CheckContext,
): CheckedMessage {
  if (!isPlainObject(raw))
    return rejected(index, null, [reason('', 'type', 'message: must be a JSON object')], null);
  const shape = jsonShapeProblem(raw);
  if (shape) return rejected(index, raw, [reason(shape.pointer, shape.keyword, shape.rule)], null);
  const body: Record<string, unknown> = { ...ctx.defaults, ...raw };
  delete body.writeKey;
  const type = routeType ?? body.type;
  if (!isMessageType(type)) {
    return rejected(
      index,
      body,
      [reason('/type', 'enum', `type: must be one of ${MESSAGE_TYPES.join(', ')}`)],
      safeStringify(body),
    );
  }
  body.type = type;
  const payload = JSON.stringify(body);
  if (Buffer.byteLength(payload) > MAX_MESSAGE_BYTES) {
    return rejected(
      index,
      body,
      [reason('', 'maxSize', `message: larger than ${MAX_MESSAGE_BYTES / 1024} KB`)],
      null,
    );
  }
  if (UNSTORABLE_ESCAPE.test(payload)) {
    return rejected(
      index,
      body,
      [
        reason(
          '',
          'unicode',
          'message: contains a NUL character or a lone UTF-16 surrogate, which cannot be stored',
        ),
      ],
      null,
    );
  }
  const checked = checkEnvelope(type, body, payload);
  if (!checked.ok) return rejected(index, body, checked.reasons, payload);
  const envelope = checked.envelope;
  const plan = checkAgainstPlan(ctx.plan, ctx.source, envelope);
  const reasons = [...plan.reasons, ...traitReasons(ctx.traits, envelope)];
  if (reasons.length > 0)
    return rejected(index, body, reasons, payload, plan.schemaVersion, envelope.messageId);
  return {
    ok: true,
    message: {
      index,
      envelope,
      shard: shardOf(envelope.userId, envelope.anonymousId),
      schemaVersion: plan.schemaVersion,
      payload,
    },
  };
}

function safeStringify(body: Record<string, unknown>): string | null {
  const text = JSON.stringify(body);
  return Buffer.byteLength(text) > MAX_MESSAGE_BYTES ? null : text;
}
