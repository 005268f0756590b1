import type { TraitSpec } from '../trait-spec';
import { bumpSchemaVersion, ChangeLevel, INITIAL_SCHEMA_VERSION } from './schema-ver';
import { classifyChange } from './version-classifier';

// What a version row says happened.
export type VersionChange = 'initial' | ChangeLevel | 'retired' | 'restored';
export type PlanAction = 'create' | 'update' | 'restore' | 'retire';

export interface ExistingDefinition {
  id: number;
  name: string;
  origin: string;
  version: number;
  schemaVersion: string;
  spec: TraitSpec;
  retired: boolean;
}

export interface PlanEntry {
  action: PlanAction;
  name: string;
  definitionId: number | null;
  change: VersionChange;
  // The SchemaVer level of the spec change (null for create/retire, or a restore of the same spec).
  level: ChangeLevel | null;
  // Type or source changed, or the trait is removed.
  breaking: boolean;
  fromVersion: number | null;
  fromSchemaVersion: string | null;
  version: number;
  schemaVersion: string;
  reasons: string[];
  // For retire: the last spec, kept in the version row.
  spec: TraitSpec;
  // Audiences, destinations … that read this trait (filled by TraitUsageRegistry).
  usedBy: string[];
}

// A declared name that another origin manages (e.g. a YAML file naming a dbt-imported trait).
export interface PlanConflict {
  name: string;
  managedBy: string;
}

export interface DefinitionPlan {
  origin: string;
  entries: PlanEntry[];
  unchanged: string[];
  conflicts: PlanConflict[];
}

function from(prev: ExistingDefinition) {
  return {
    definitionId: prev.id,
    fromVersion: prev.version,
    fromSchemaVersion: prev.schemaVersion,
    version: prev.version + 1,
  };
}

function declaredIn(spec: TraitSpec, origin: string): string {
  return spec.source.file ? `${origin} file ${spec.source.file}` : origin;
}

function planOne(
  prev: ExistingDefinition | undefined,
  spec: TraitSpec,
  origin: string,
): PlanEntry | PlanConflict | null {
  if (!prev) {
    return {
      action: 'create',
      name: spec.name,
      definitionId: null,
      change: 'initial',
      level: null,
      breaking: false,
      fromVersion: null,
      fromSchemaVersion: null,
      version: 1,
      schemaVersion: INITIAL_SCHEMA_VERSION,
      reasons: [`declared by ${declaredIn(spec, origin)}`],
      spec,
      usedBy: [],
    };
  }
  if (prev.origin !== origin && !prev.retired) return { name: spec.name, managedBy: prev.origin };
  const { level, reasons } = classifyChange(prev.spec, spec);
  const schemaVersion = level ? bumpSchemaVersion(prev.schemaVersion, level) : prev.schemaVersion;
  const common = {
    name: spec.name,
    level,
    breaking: level === 'breaking',
    schemaVersion,
    spec,
    usedBy: [],
    ...from(prev),
  };
  if (prev.retired) {
    const restored =
      prev.origin === origin
        ? 'restored after retirement'
        : `restored, taken over from origin ${prev.origin}`;
    return { ...common, action: 'restore', change: 'restored', reasons: [restored, ...reasons] };
  }
  return level ? { ...common, action: 'update', change: level, reasons } : null;
}

function retirement(prev: ExistingDefinition): PlanEntry {
  return {
    action: 'retire',
    name: prev.name,
    change: 'retired',
    level: null,
    breaking: true,
    schemaVersion: prev.schemaVersion,
    spec: prev.spec,
    usedBy: [],
    ...from(prev),
    reasons: [
      `no longer declared${prev.spec.source.file ? ` (was in ${prev.spec.source.file})` : ''}`,
    ],
  };
}

// Compares what an origin declares with what is stored. Only definitions of that origin are
// retired; a name another origin manages is a conflict (unless retired there: then taken over).
export function planDefinitions(
  existing: readonly ExistingDefinition[],
  specs: readonly TraitSpec[],
  origin: string,
): DefinitionPlan {
  const stored = new Map(existing.map((d) => [d.name, d]));
  const plan: DefinitionPlan = { origin, entries: [], unchanged: [], conflicts: [] };
  for (const spec of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    const planned = planOne(stored.get(spec.name), spec, origin);
    if (planned === null) plan.unchanged.push(spec.name);
    else if ('managedBy' in planned) plan.conflicts.push(planned);
    else plan.entries.push(planned);
  }
  const declared = new Set(specs.map((s) => s.name));
  const gone = existing.filter((d) => d.origin === origin && !d.retired && !declared.has(d.name));
  plan.entries.push(...gone.sort((a, b) => a.name.localeCompare(b.name)).map(retirement));
  return plan;
}
