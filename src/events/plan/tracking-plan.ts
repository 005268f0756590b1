import type { ValidateFunction } from 'ajv';
import type { MessageType } from '../ingest/limits';

export const PLANNED_TYPES = ['track', 'identify', 'page', 'screen', 'group'] as const;
export type PlannedType = (typeof PLANNED_TYPES)[number];

export function isPlannedType(value: unknown): value is PlannedType {
  return typeof value === 'string' && (PLANNED_TYPES as readonly string[]).includes(value);
}

// Silence detection: fewer than `min` messages within `perSeconds` means the event went quiet.
export interface ExpectedRate {
  min: number;
  perSeconds: number;
  per: string;
}

export interface PlanVersion {
  version: string; // SchemaVer MODEL-REVISION-ADDITION
  schema: Record<string, unknown>;
  validate: ValidateFunction;
}

// One planned event: every version of its schema, newest last.
export interface PlannedEvent {
  key: string;
  type: PlannedType;
  // track: the event name; page/screen: the page name (absent: every page); absent otherwise.
  event: string | null;
  // The field the schema describes: properties (track, page, screen) or traits (identify, group).
  field: 'properties' | 'traits';
  description: string | null;
  owner: string | null;
  expected: ExpectedRate | null;
  file: string;
  versions: PlanVersion[];
}

export type UnplannedPolicy = 'allow' | 'reject';

export interface SourceSettings {
  unplanned: UnplannedPolicy;
}

export interface TrackingPlan {
  events: Map<string, PlannedEvent>;
  // Keyed by API key name or id; `default` applies to every other source.
  sources: Map<string, SourceSettings>;
  defaultSource: SourceSettings;
}

export const EMPTY_PLAN: TrackingPlan = {
  events: new Map(),
  sources: new Map(),
  defaultSource: { unplanned: 'allow' },
};

export function planKey(type: string, event: string | null): string {
  return `${type}:${event ?? ''}`;
}

export function fieldOf(type: PlannedType): 'properties' | 'traits' {
  return type === 'identify' || type === 'group' ? 'traits' : 'properties';
}

// The plan entry a message is checked against: page/screen fall back to the entry for every page.
export function plannedEventFor(
  plan: TrackingPlan,
  type: MessageType,
  event: string | null,
): PlannedEvent | undefined {
  return (
    plan.events.get(planKey(type, event)) ??
    (event !== null && type !== 'track' ? plan.events.get(planKey(type, null)) : undefined)
  );
}

export function latestVersion(planned: PlannedEvent): PlanVersion {
  return planned.versions[planned.versions.length - 1];
}

export function compareSchemaVer(a: string, b: string): number {
  const pa = a.split('-').map(Number);
  const pb = b.split('-').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}
