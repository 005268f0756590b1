import type { TraitSpec, TraitType } from '../../../trait-definitions/trait-spec';
import { canonicalJson } from '../../../trait-definitions/versioning/canonical-json';

export interface IdentityColumn {
  column: string;
  type: string;
}

export interface TraitColumn {
  trait: string;
  column: string;
  type: TraitType;
}

// One dbt source: every active trait whose definition names the same model. Definitions come
// from YAML files (origin yaml) or from `traitbase dbt import` (origin dbt).
export interface DbtSource {
  // The model as declared: a dbt unique_id, or a bare model name.
  model: string;
  relation: string | null;
  identities: IdentityColumn[];
  cursor: string | null;
  schedule: string | null;
  absent: 'keep' | 'clear';
  warehouse: string | null;
  traits: TraitColumn[];
  // Set when two definitions of the same model disagree on how to read it.
  conflict: string | null;
}

// The keys of a source block that decide how the model is read; traits of one model must agree.
export function readingKeys(
  source: Record<string, unknown>,
): Omit<DbtSource, 'model' | 'traits' | 'conflict'> {
  return {
    relation: typeof source.relation === 'string' ? source.relation : null,
    identities: Array.isArray(source.identities) ? (source.identities as IdentityColumn[]) : [],
    cursor: typeof source.cursor === 'string' ? source.cursor : null,
    schedule: typeof source.schedule === 'string' ? source.schedule : null,
    absent: source.absent === 'clear' ? 'clear' : 'keep',
    warehouse: typeof source.warehouse === 'string' ? source.warehouse : null,
  };
}

export function describeDifference(a: object, b: object): string {
  const keys = Object.keys(a).filter(
    (k) => canonicalJson(a[k as keyof typeof a]) !== canonicalJson(b[k as keyof typeof b]),
  );
  return keys.join(', ');
}

// Groups dbt trait specs by model, sorted by model then trait name (stable across reloads).
export function groupDbtSources(specs: readonly TraitSpec[]): DbtSource[] {
  const byModel = new Map<string, DbtSource>();
  const firstTrait = new Map<string, string>();
  for (const spec of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    if (spec.source.kind !== 'dbt' || typeof spec.source.model !== 'string') continue;
    const model = spec.source.model;
    const keys = readingKeys(spec.source);
    const column: TraitColumn = {
      trait: spec.name,
      column: spec.column ?? spec.name,
      type: spec.type,
    };
    const existing = byModel.get(model);
    if (!existing) {
      byModel.set(model, { model, ...keys, traits: [column], conflict: null });
      firstTrait.set(model, spec.name);
      continue;
    }
    existing.traits.push(column);
    const diff = describeDifference(
      readingKeys(existing as unknown as Record<string, unknown>),
      keys,
    );
    if (diff && !existing.conflict) {
      existing.conflict = `traits ${firstTrait.get(model)} and ${spec.name} read model ${model} differently (${diff})`;
    }
  }
  return [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model));
}
