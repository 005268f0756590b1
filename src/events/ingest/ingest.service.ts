import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { normalizedHash, sharedSuppressionLookup, suppressionQuery } from '../../erasure/suppression';
import { activeIdentityRules, identityPaths } from '../../identity/config/identity-rules';
import { eventsAccepted, eventsInvalid } from '../event-metrics';
import { EventTraitMapService } from '../event-traits/event-trait-map.service';
import type { InboxRow, InvalidRow } from '../inbox/inbox-rows';
import { InboxWriter } from '../inbox/inbox-writer.service';
import type { IngestSource } from '../plan/plan-validator';
import { isPlannedType, plannedEventFor, TrackingPlan } from '../plan/tracking-plan';
import { TrackingPlanService } from '../plan/tracking-plan.service';
import { isPlainObject } from './envelope';
import { MAX_BATCH_MESSAGES, MessageType } from './limits';
import { CheckContext, CheckedMessage, checkMessage, RejectedMessage } from './message-checker';
import type { Reason } from './reason';

export interface RejectedReport {
  index: number;
  messageId: string | null;
  reasons: Omit<Reason, 'keyword'>[];
}

export interface IngestResult {
  success: boolean;
  accepted: number;
  rejected: RejectedReport[];
}

const BATCH_DEFAULTS = ['context', 'integrations', 'sentAt'];

function batchMessages(body: Record<string, unknown>): {
  messages: unknown[];
  defaults: Record<string, unknown>;
} {
  const batch = body.batch;
  if (!Array.isArray(batch))
    throw new DomainError(ErrorCode.INVALID_INPUT, 'batch: must be an array of messages');
  if (batch.length > MAX_BATCH_MESSAGES) {
    throw new DomainError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `batch: at most ${MAX_BATCH_MESSAGES} messages per request, got ${batch.length}`,
    );
  }
  const defaults = Object.fromEntries(
    BATCH_DEFAULTS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]),
  );
  return { messages: batch, defaults };
}

// Checks each message, commits the valid ones to the inbox and the invalid ones to the
// invalid-events log (one commit), and answers per message. Valid messages of a batch are kept
// whatever happens to the others.
@Injectable()
export class IngestService {
  private readonly suppressed: ReturnType<typeof sharedSuppressionLookup>;

  constructor(
    private readonly plans: TrackingPlanService,
    private readonly traits: EventTraitMapService,
    private readonly inbox: InboxWriter,
    @InjectDataSource() db: DataSource,
  ) {
    this.suppressed = sharedSuppressionLookup(suppressionQuery(db));
  }

  async ingest(
    source: IngestSource,
    type: MessageType | 'batch',
    body: unknown,
    dryRun = false,
  ): Promise<IngestResult> {
    if (!isPlainObject(body))
      throw new DomainError(ErrorCode.INVALID_INPUT, 'body: must be a JSON object');
    const { messages, defaults } =
      type === 'batch' ? batchMessages(body) : { messages: [body], defaults: {} };
    const ctx: CheckContext = {
      plan: this.plans.current(),
      source,
      traits: await this.traits.get(),
      defaults,
    };
    const checked = messages.map((m, i) => checkMessage(m, i, type === 'batch' ? null : type, ctx));
    // Messages of an erased person are acknowledged (so SDKs stop retrying) and never stored.
    const kept = await this.withoutSuppressed(checked);
    if (!dryRun) await this.commit(source, kept);
    const rejected = checked.flatMap((c) => (c.ok ? [] : [report(c.message)]));
    return { success: rejected.length === 0, accepted: checked.length - rejected.length, rejected };
  }

  private async withoutSuppressed(checked: CheckedMessage[]): Promise<CheckedMessage[]> {
    // userId, anonymousId, an alias's previousId and the values at the identity paths of
    // identity.yaml (traits.email, …): the identities the message would be observed with.
    const paths = identityPaths(activeIdentityRules());
    const idsOf = (c: CheckedMessage) => {
      if (!c.ok) return [];
      const e = c.message.envelope;
      const previousId = e.type === 'alias' ? e.body.previousId : undefined;
      return [
        normalizedHash('user_id', e.userId),
        normalizedHash('anonymous_id', e.anonymousId),
        typeof previousId === 'string' ? normalizedHash('user_id', previousId) : null,
        ...paths.map((p) => {
          const value = valueAt(e.body, p.path);
          return typeof value === 'string' ? normalizedHash(p.type, value) : null;
        }),
      ];
    };
    const suppressed = await this.suppressed(checked.flatMap(idsOf));
    if (suppressed.size === 0) return checked;
    return checked.filter((c) => !idsOf(c).some((h) => h !== null && suppressed.has(h)));
  }

  private async commit(source: IngestSource, checked: CheckedMessage[]): Promise<void> {
    const receivedAt = new Date();
    const rows: InboxRow[] = [];
    const invalid: InvalidRow[] = [];
    for (const c of checked) {
      if (c.ok) {
        const { envelope: e, shard, schemaVersion, payload } = c.message;
        rows.push({
          sourceId: source.id,
          messageId: e.messageId,
          shard,
          type: e.type,
          event: e.event,
          payload,
          receivedAt,
          schemaVersion,
        });
      } else {
        const { type, event, messageId, schemaVersion, reasons, payload } = c.message;
        const sourceName = source.name;
        invalid.push({
          receivedAt,
          sourceId: source.id,
          sourceName,
          type,
          event,
          messageId,
          schemaVersion,
          reasons,
          payload,
        });
      }
    }
    await this.inbox.write(rows, invalid);
    for (const row of rows) eventsAccepted.inc({ type: row.type });
    countInvalid(this.plans.current(), invalid);
  }
}

// Unplanned names are not labels: a client sending random names must not blow up the metric.
function countInvalid(plan: TrackingPlan, invalid: InvalidRow[]): void {
  for (const row of invalid) {
    const planned = isPlannedType(row.type)
      ? plannedEventFor(plan, row.type, row.event)
      : undefined;
    const event = planned?.key ?? '(unplanned)';
    for (const keyword of new Set(row.reasons.map((r) => r.keyword))) {
      eventsInvalid.inc({ event, reason: keyword });
    }
  }
}

// The value at a dotted path ("context.traits.email") of a message.
function valueAt(body: Record<string, unknown>, path: string): unknown {
  let at: unknown = body;
  for (const key of path.split('.')) at = isPlainObject(at) ? at[key] : undefined;
  return at;
}

function report(m: RejectedMessage): RejectedReport {
  return {
    index: m.index,
    messageId: m.messageId,
    reasons: m.reasons.map(({ pointer, rule }) => ({ pointer, rule })),
  };
}
