import type { ErrorObject } from 'ajv';
import type { Envelope } from '../ingest/envelope';
import { isPlainObject } from '../ingest/envelope';
import { Reason, reason } from '../ingest/reason';
import {
  latestVersion,
  PlannedEvent,
  plannedEventFor,
  SourceSettings,
  TrackingPlan,
} from './tracking-plan';

const MAX_REASONS = 20;

export interface PlanCheck {
  // The schema version the message was validated against; null when the event is unplanned.
  schemaVersion: string | null;
  planned: boolean;
  reasons: Reason[];
}

export interface IngestSource {
  id: string;
  name: string;
}

export function sourceSettings(plan: TrackingPlan, source: IngestSource): SourceSettings {
  return plan.sources.get(source.name) ?? plan.sources.get(source.id) ?? plan.defaultSource;
}

// Ajv errors → JSON pointers into the whole message (e.g. /properties/total) with the rule broken.
export function ajvReasons(base: string, errors: ErrorObject[] | null | undefined): Reason[] {
  return (errors ?? []).slice(0, MAX_REASONS).map((e) => {
    const params = e.params as { missingProperty?: string; additionalProperty?: string };
    const child = params.missingProperty ?? params.additionalProperty;
    const pointer = `${base}${e.instancePath}${child !== undefined ? `/${escapePointer(child)}` : ''}`;
    return reason(pointer, e.keyword, e.message ?? e.keyword);
  });
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function requestedVersion(envelope: Envelope): unknown {
  const context = envelope.body.context;
  return isPlainObject(context) ? context.schemaVersion : undefined;
}

function checkPlanned(envelope: Envelope, planned: PlannedEvent): PlanCheck {
  const requested = requestedVersion(envelope);
  let version = latestVersion(planned);
  if (requested !== undefined) {
    const named = planned.versions.find((v) => v.version === requested);
    if (!named) {
      const known = planned.versions.map((v) => v.version).join(', ');
      return {
        schemaVersion: null,
        planned: true,
        reasons: [
          reason(
            '/context/schemaVersion',
            'schemaVersion',
            `unknown schema version ${JSON.stringify(requested)} of ${planned.key} (known: ${known})`,
          ),
        ],
      };
    }
    version = named;
  }
  const value = envelope.body[planned.field] ?? {};
  const ok = version.validate(value);
  return {
    schemaVersion: version.version,
    planned: true,
    reasons: ok ? [] : ajvReasons(`/${planned.field}`, version.validate.errors),
  };
}

// Validates one message against the tracking plan: planned events against the version they name
// (context.schemaVersion) or the latest; unplanned track events are rejected where the source says so.
export function checkAgainstPlan(
  plan: TrackingPlan,
  source: IngestSource,
  envelope: Envelope,
): PlanCheck {
  if (envelope.type === 'alias') return { schemaVersion: null, planned: false, reasons: [] };
  const planned = plannedEventFor(plan, envelope.type, envelope.event);
  if (planned) return checkPlanned(envelope, planned);
  if (envelope.type === 'track' && sourceSettings(plan, source).unplanned === 'reject') {
    return {
      schemaVersion: null,
      planned: false,
      reasons: [
        reason(
          '/event',
          'unplanned',
          `event: "${envelope.event}" is not in the tracking plan, and source ${source.name} rejects unplanned events`,
        ),
      ],
    };
  }
  return { schemaVersion: null, planned: false, reasons: [] };
}
