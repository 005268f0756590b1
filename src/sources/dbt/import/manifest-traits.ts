import Ajv from 'ajv';
import { SCOPES } from '../../../api-keys/scopes';
import { traitSpecRules } from '../../../trait-definitions/rules/trait-spec.rules';
import { TRAIT_ITEM_SCHEMA } from '../../../trait-definitions/schema/definition-file.schema';
import { DBT_SOURCE } from '../../../trait-definitions/schema/source-dbt.schema';
import {
  READ_SCOPES,
  TraitSourceSpec,
  TraitSpec,
  TraitType,
} from '../../../trait-definitions/trait-spec';
import { schemaProblems } from '../../../common/yaml/schema-problems';
import { formatPath } from '../../../common/yaml/yaml-issue';
import { isRecord, JsonRecord, Problems } from '../artifacts/json-guards';
import type { Manifest, ManifestColumn, ManifestModel } from '../artifacts/manifest';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validateSource = ajv.compile(DBT_SOURCE.schema);
const validateTrait = ajv.compile(TRAIT_ITEM_SCHEMA);

// Keys of a model's meta.traitbase: the source block, plus defaults for its traits.
const SOURCE_KEYS = ['identities', 'cursor', 'schedule', 'absent', 'relation', 'warehouse'];
const DEFAULT_KEYS = ['owner', 'freshness', 'pii', 'exposure'];
// Keys of a column's meta.traitbase (`trait` names the trait; default: the column name).
const COLUMN_KEYS = [
  'trait',
  'type',
  'description',
  'owner',
  'pii',
  'exposure',
  'freshness',
  'values',
];

export interface ManifestTraits {
  specs: TraitSpec[];
  // Models that declare traits (their checksum, tests and relation are recorded at import).
  models: ManifestModel[];
  problems: Problems;
}

function unknownKeys(meta: JsonRecord, allowed: string[], path: string, problems: Problems): void {
  for (const key of Object.keys(meta)) {
    if (!allowed.includes(key))
      problems.add(`${path}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
  }
}

function sourceBlock(
  model: ManifestModel,
  meta: JsonRecord,
  path: string,
  problems: Problems,
): TraitSourceSpec {
  const declared = Object.fromEntries(
    Object.entries(meta).filter(([k]) => SOURCE_KEYS.includes(k)),
  );
  const block: JsonRecord = { kind: 'dbt', model: model.uniqueId, ...declared };
  if (block.relation === undefined && model.relation) block.relation = model.relation;
  if (!validateSource(block)) {
    for (const p of schemaProblems(validateSource.errors))
      problems.add(`${path}.${formatPath(p.path)}`, p.rule);
  } else {
    for (const r of DBT_SOURCE.check?.(block) ?? [])
      problems.add(`${path}.${formatPath(r.path)}`, r.rule);
  }
  if (block.relation === undefined) {
    problems.add(
      `${path}.relation`,
      'is required: the manifest gives no relation_name for this model',
    );
  }
  return {
    ...block,
    depends_on: model.dependsOn,
    exposures: model.exposures,
  } as unknown as TraitSourceSpec;
}

function traitSpec(
  model: ManifestModel,
  column: ManifestColumn,
  modelMeta: JsonRecord,
  source: TraitSourceSpec,
  problems: Problems,
): TraitSpec | null {
  const path = `${model.path}.columns.${column.name}.meta.traitbase`;
  if (!isRecord(column.traitbase)) {
    problems.add(path, 'must be a mapping, e.g. { trait: lifetime_value, type: number }');
    return null;
  }
  const meta = column.traitbase;
  unknownKeys(meta, COLUMN_KEYS, path, problems);
  const { trait, ...rest } = meta;
  const item: JsonRecord = { name: trait ?? column.name, column: column.name, ...rest };
  if (!validateTrait(item)) {
    for (const p of schemaProblems(validateTrait.errors)) {
      problems.add(`${path}.${formatPath(p.path).replace(/^name/, 'trait')}`, p.rule);
    }
    return null;
  }
  const pick = <T>(key: string, fallback: T): T => (meta[key] ?? modelMeta[key] ?? fallback) as T;
  const exposure = pick<string[]>('exposure', [...READ_SCOPES]);
  const spec: TraitSpec = {
    name: item.name as string,
    type: item.type as TraitType,
    description: (meta.description as string | undefined) ?? column.description,
    owner: pick<string | null>('owner', model.owner),
    pii: pick<boolean>('pii', false),
    exposure: SCOPES.filter((s) => exposure.includes(s)),
    freshness: pick<string | null>('freshness', null),
    column: column.name,
    values: (meta.values as string[] | undefined) ?? null,
    source,
  };
  for (const r of traitSpecRules(spec)) {
    problems.add(`${path}.${r.field === 'name' ? 'trait' : r.field}`, r.rule);
  }
  return spec;
}

// Model-level trait defaults are checked like a trait item's keys.
function checkDefaults(meta: JsonRecord, path: string, problems: Problems): void {
  const defaults = Object.fromEntries(
    Object.entries(meta).filter(([k]) => DEFAULT_KEYS.includes(k)),
  );
  if (validateTrait({ name: 'defaults', type: 'json', ...defaults })) return;
  for (const p of schemaProblems(validateTrait.errors))
    problems.add(`${path}.${formatPath(p.path)}`, p.rule);
}

function modelTraits(model: ManifestModel, problems: Problems): TraitSpec[] | null {
  const columns = model.columns.filter((c) => c.traitbase !== undefined);
  if (model.traitbase === undefined && columns.length === 0) return null;
  const path = `${model.path}.meta.traitbase`;
  if (!isRecord(model.traitbase)) {
    problems.add(
      path,
      'must be a mapping with identities: [{ column, type }] (its columns declare traits)',
    );
    return [];
  }
  unknownKeys(model.traitbase, [...SOURCE_KEYS, ...DEFAULT_KEYS], path, problems);
  checkDefaults(model.traitbase, path, problems);
  if (columns.length === 0) {
    problems.add(
      `${model.path}.columns`,
      'no column carries meta.traitbase: declare at least one trait column',
    );
  }
  const source = sourceBlock(model, model.traitbase, path, problems);
  const meta = model.traitbase;
  return columns.flatMap((c) => traitSpec(model, c, meta, source, problems) ?? []);
}

// Maps the models that carry meta.traitbase to trait specs (origin dbt). Descriptions come from
// the column's dbt description unless meta overrides them; owner from meta, else the model's
// meta.owner or group owner. Every problem is collected with its manifest path.
export function traitsFromManifest(manifest: Manifest): ManifestTraits {
  const problems = new Problems();
  const specs: TraitSpec[] = [];
  const models: ManifestModel[] = [];
  const declaredAt = new Map<string, string>();
  for (const model of manifest.models) {
    const traits = modelTraits(model, problems);
    if (traits === null) continue;
    models.push(model);
    for (const spec of traits) {
      const at = `${model.path}.columns.${spec.column}`;
      const first = declaredAt.get(spec.name);
      if (first)
        problems.add(
          `${at}.meta.traitbase.trait`,
          `trait "${spec.name}" is already declared at ${first}`,
        );
      else declaredAt.set(spec.name, at);
      specs.push(spec);
    }
  }
  return { specs, models, problems };
}
