import { SCOPES } from '../../api-keys/scopes';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { traitSpecRules } from '../rules/trait-spec.rules';
import type { TraitSpec } from '../trait-spec';

// Canonical stored form: exposure in SCOPES order without repeats, no undefined keys, so that
// a re-apply of the same declarations compares equal to what jsonb gives back.
export function normaliseSpec(spec: TraitSpec): TraitSpec {
  const exposure = SCOPES.filter((s) => spec.exposure.includes(s));
  const unknown = spec.exposure.filter((s) => !(SCOPES as readonly string[]).includes(s));
  return JSON.parse(JSON.stringify({ ...spec, exposure: [...exposure, ...unknown] })) as TraitSpec;
}

// Specs from any origin obey the same rules as files; names are unique within one apply.
export function assertValidSpecs(specs: readonly TraitSpec[]): void {
  const details: Record<string, string> = {};
  const seen = new Set<string>();
  for (const spec of specs) {
    for (const { field, rule } of traitSpecRules(spec)) details[`${spec.name}.${field}`] = rule;
    if (seen.has(spec.name)) details[`${spec.name}.name`] = 'declared more than once';
    seen.add(spec.name);
  }
  const count = Object.keys(details).length;
  if (count > 0) {
    throw new DomainError(
      ErrorCode.INVALID_DEFINITION,
      `${count} invalid trait definition field(s)`,
      details,
    );
  }
}
