import { SCOPES } from '../../api-keys/scopes';
import { SOURCE_KINDS, TRAIT_TYPES, TraitSpec } from '../trait-spec';
import { DURATION_RULE, durationSeconds } from './duration';
import { AUDIENCE_PREFIX, RESERVED_TRAIT_NAMES } from './reserved-names';

export const TRAIT_NAME = /^[a-z][a-z0-9_]*$/;
export const MAX_NAME_LENGTH = 63;
const AUDIENCE_NAME = /^audience:[a-z0-9][a-z0-9_-]{0,62}$/;

// A rule broken by one field of a spec: { field: 'freshness', rule: 'must be a duration …' }.
export interface FieldRule {
  field: keyof TraitSpec;
  rule: string;
}

function nameRule(spec: TraitSpec): string | null {
  const { name } = spec;
  const audienceKind = spec.source.kind === 'audience';
  if (name.startsWith(AUDIENCE_PREFIX)) {
    if (!audienceKind)
      return `names beginning with "${AUDIENCE_PREFIX}" are reserved for audience membership traits`;
    return AUDIENCE_NAME.test(name)
      ? null
      : 'must be audience:<slug> (lower-case letters, digits, _ or -)';
  }
  if (audienceKind) return `audience traits must be named ${AUDIENCE_PREFIX}<slug>`;
  if (!TRAIT_NAME.test(name))
    return 'must be snake_case: a lower-case letter, then lower-case letters, digits or _';
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters`;
  if (RESERVED_TRAIT_NAMES.has(name)) return `"${name}" is reserved (it is an identity type name)`;
  return null;
}

function valuesRule(spec: TraitSpec): string | null {
  if (spec.values === null) return null;
  if (spec.type !== 'category') return 'only allowed for type category';
  if (spec.values.length === 0) return 'must list at least one value';
  if (spec.values.some((v) => typeof v !== 'string' || v === ''))
    return 'must be non-empty strings';
  return new Set(spec.values).size === spec.values.length ? null : 'must not repeat a value';
}

function exposureRule(spec: TraitSpec): string | null {
  const unknown = spec.exposure.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0)
    return `unknown scope(s) ${unknown.join(', ')}; must be among ${SCOPES.join(', ')}`;
  return spec.exposure.length > 0 ? null : 'must list at least one scope';
}

// Rules every definition obeys whatever its origin (YAML file, dbt manifest, API).
export function traitSpecRules(spec: TraitSpec): FieldRule[] {
  const rules: FieldRule[] = [];
  const add = (field: keyof TraitSpec, rule: string | null) => rule && rules.push({ field, rule });
  add('name', nameRule(spec));
  add('type', TRAIT_TYPES.includes(spec.type) ? null : `must be one of ${TRAIT_TYPES.join(', ')}`);
  add('values', valuesRule(spec));
  add('exposure', exposureRule(spec));
  add(
    'freshness',
    spec.freshness === null || durationSeconds(spec.freshness) !== null ? null : DURATION_RULE,
  );
  add('column', spec.column === null || spec.column.length > 0 ? null : 'must not be empty');
  add(
    'source',
    SOURCE_KINDS.includes(spec.source.kind)
      ? null
      : `kind must be one of ${SOURCE_KINDS.join(', ')}`,
  );
  return rules;
}
