import type { DataSource } from 'typeorm';
import { ajvReasons } from './plan-validator';
import { latestVersion, PlannedEvent } from './tracking-plan';
import { loadTrackingPlan } from './tracking-plan.loader';

// How far back `defs plan` looks, and how many recent messages per event it re-validates.
const WINDOW = '7 days';
const SAMPLE = 10_000;

export interface PlanRegression {
  key: string;
  version: string;
  rejected: number;
  checked: number;
  example: string;
}

// Messages of this event accepted in the window that did not pin a schema version (those follow
// the latest one, so a new latest version applies to them).
const RECENT = `
SELECT payload->$3 AS value FROM event_inbox
WHERE type = $1 AND ($2::text IS NULL OR event = $2) AND received_at > now() - $4::interval
  AND payload->'context'->>'schemaVersion' IS NULL
ORDER BY id DESC LIMIT $5`;

async function check(
  dataSource: DataSource,
  planned: PlannedEvent,
): Promise<PlanRegression | null> {
  const latest = latestVersion(planned);
  const rows: { value: unknown }[] = await dataSource.query(RECENT, [
    planned.type,
    planned.event,
    planned.field,
    WINDOW,
    SAMPLE,
  ]);
  let rejected = 0;
  let example = '';
  for (const row of rows) {
    if (latest.validate(row.value ?? {})) continue;
    rejected += 1;
    if (!example) {
      const [first] = ajvReasons(`/${planned.field}`, latest.validate.errors);
      example = first ? `${first.pointer}: ${first.rule}` : 'invalid';
    }
  }
  return rejected > 0
    ? { key: planned.key, version: latest.version, rejected, checked: rows.length, example }
    : null;
}

// For `defs plan`: every planned event whose latest schema version would reject messages accepted
// in the last 7 days (re-validated from the inbox). Empty when the folder has no tracking plan.
export async function trackingPlanRegressions(
  dataSource: DataSource,
  definitionsDir: string,
): Promise<PlanRegression[]> {
  const { plan, issues } = await loadTrackingPlan(definitionsDir);
  if (issues.length > 0) throw new Error(`invalid tracking plan:\n  ${issues.join('\n  ')}`);
  const out: PlanRegression[] = [];
  for (const planned of plan.events.values()) {
    const found = await check(dataSource, planned);
    if (found) out.push(found);
  }
  return out;
}

export function formatRegressions(regressions: PlanRegression[]): string {
  if (regressions.length === 0)
    return 'Tracking plan: no new schema version rejects events accepted in the last 7 days.';
  return [
    'Tracking plan: new schema versions that would reject events accepted in the last 7 days:',
    ...regressions.map(
      (r) =>
        `  ! ${r.key} ${r.version} rejects ${r.rejected} of the last ${r.checked} (e.g. ${r.example})  BREAKING`,
    ),
  ].join('\n');
}
