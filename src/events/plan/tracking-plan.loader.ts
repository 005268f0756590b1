import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { durationSeconds } from '../../trait-definitions/rules/duration';
import { PLAN_FILE_SCHEMA, SOURCES_FILE_SCHEMA } from './plan-file.schema';
import {
  compareSchemaVer,
  EMPTY_PLAN,
  fieldOf,
  planKey,
  PlannedEvent,
  PlannedType,
  SourceSettings,
  TrackingPlan,
} from './tracking-plan';

export const SOURCES_FILE = '_sources.yaml';
const YAML_FILE = /\.ya?ml$/;

export interface LoadedPlan {
  plan: TrackingPlan;
  files: string[];
  // "events/order_completed.yaml: versions.1-0-0: must be …"
  issues: string[];
}

// One Ajv for the plan's own schemas: formats (date-time, email, uri…) on, every error reported.
export function planAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  return ajv;
}

function shapeIssues(file: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) =>
      `${file}: ${e.instancePath.slice(1).replace(/\//g, '.') || '(file)'}: ${e.message ?? e.keyword}`,
  );
}

interface RawPlanFile {
  type?: PlannedType;
  event?: string;
  description?: string;
  owner?: string;
  expected?: { min: number; per: string };
  versions: Record<string, Record<string, unknown>>;
}

function toPlannedEvent(
  raw: RawPlanFile,
  file: string,
  ajv: Ajv,
  issues: string[],
): PlannedEvent | undefined {
  const type = raw.type ?? 'track';
  const event = raw.event ?? null;
  if (type === 'track' && event === null)
    issues.push(`${file}: event: is required for a track event`);
  if ((type === 'identify' || type === 'group') && event !== null)
    issues.push(`${file}: event: ${type} calls have no name`);
  let expected: PlannedEvent['expected'] = null;
  if (raw.expected) {
    const seconds = durationSeconds(raw.expected.per);
    if (seconds === null)
      issues.push(`${file}: expected.per: must be a duration like 30m, 1h or 1d`);
    else expected = { min: raw.expected.min, perSeconds: seconds, per: raw.expected.per };
  }
  const versions: PlannedEvent['versions'] = [];
  for (const [version, schema] of Object.entries(raw.versions).sort(([a], [b]) =>
    compareSchemaVer(a, b),
  )) {
    try {
      versions.push({ version, schema, validate: ajv.compile(schema) });
    } catch (err) {
      issues.push(
        `${file}: versions.${version}: not a valid JSON Schema (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }
  if (issues.length > 0) return undefined;
  return {
    key: planKey(type, event),
    type,
    event,
    field: fieldOf(type),
    description: raw.description ?? null,
    owner: raw.owner ?? null,
    expected,
    file,
    versions,
  };
}

function sourcesFrom(raw: {
  default?: SourceSettings;
  sources?: Record<string, SourceSettings>;
}): Pick<TrackingPlan, 'sources' | 'defaultSource'> {
  return {
    defaultSource: raw.default ?? EMPTY_PLAN.defaultSource,
    sources: new Map(Object.entries(raw.sources ?? {})),
  };
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    },
  );
  return entries
    .filter((e) => e.isFile() && YAML_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
}

// Reads <definitionsDir>/events/: one file per planned event, plus _sources.yaml. Every version's
// JSON Schema is compiled once, here. A missing folder is an empty plan (every event unplanned).
export async function loadTrackingPlan(definitionsDir: string): Promise<LoadedPlan> {
  const dir = join(definitionsDir, 'events');
  const ajv = planAjv();
  const checkPlanFile = ajv.compile<RawPlanFile>(PLAN_FILE_SCHEMA);
  const checkSources = ajv.compile<{
    default?: SourceSettings;
    sources?: Record<string, SourceSettings>;
  }>(SOURCES_FILE_SCHEMA);
  const plan: TrackingPlan = { ...EMPTY_PLAN, events: new Map() };
  const issues: string[] = [];
  const names = await yamlFiles(dir);
  for (const name of names) {
    const file = relative(process.cwd(), join(dir, name)) || name;
    let raw: unknown;
    try {
      raw = parse(await readFile(join(dir, name), 'utf8'));
    } catch (err) {
      issues.push(
        `${file}: (file): not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
      );
      continue;
    }
    if (name === SOURCES_FILE) {
      if (checkSources(raw ?? {}))
        Object.assign(plan, sourcesFrom((raw ?? {}) as Parameters<typeof sourcesFrom>[0]));
      else issues.push(...shapeIssues(file, checkSources.errors));
      continue;
    }
    if (!checkPlanFile(raw)) {
      issues.push(...shapeIssues(file, checkPlanFile.errors));
      continue;
    }
    const fileIssues: string[] = [];
    const planned = toPlannedEvent(raw, file, ajv, fileIssues);
    issues.push(...fileIssues);
    if (!planned) continue;
    const earlier = plan.events.get(planned.key);
    if (earlier)
      issues.push(`${file}: event: ${planned.key} is already planned in ${earlier.file}`);
    else plan.events.set(planned.key, planned);
  }
  return { plan, files: names, issues };
}
