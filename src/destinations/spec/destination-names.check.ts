import {
  AUDIENCE_PREFIX,
  RESERVED_TRAIT_NAMES,
} from '../../trait-definitions/rules/reserved-names';
import { MAX_NAME_LENGTH, TRAIT_NAME } from '../../trait-definitions/rules/trait-spec.rules';
import type { DestinationSpec } from './destination-spec';
import type { SpecProblem } from './destination-spec.check';

// `retired` is a retired trait or an archived audience. `unchecked`: the name cannot be judged
// here (`defs validate` has no database: a dbt-imported trait, an audience made in the UI); the
// server checks it when it applies the folder.
export type NameState = 'active' | 'retired' | 'unchecked' | undefined;

export interface DestinationNames {
  trait(name: string): NameState;
  audience(slug: string): NameState;
}

// An audience slug, as saveAudience and audience files take it.
const AUDIENCE_SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

// Whether a trait definition other than a membership trait could take this name
// (trait-spec.rules.ts): a name none can take is unknown without asking the server.
function couldNameTrait(name: string): boolean {
  return TRAIT_NAME.test(name) && name.length <= MAX_NAME_LENGTH && !RESERVED_TRAIT_NAMES.has(name);
}

function traitRule(name: string, state: NameState): string | null {
  if (state === undefined)
    return RESERVED_TRAIT_NAMES.has(name)
      ? `no trait named ${name} (${name} is an identity type: list it in identities)`
      : `no trait named ${name}`;
  return state === 'retired' ? `trait ${name} is retired` : null;
}

function audienceRule(slug: string, state: NameState): string | null {
  if (state === undefined) return `no audience ${slug}`;
  return state === 'retired' ? `audience ${slug} is archived` : null;
}

// The traits and audiences a destination lists must exist now (and not be retired or archived).
// Used by saveDestination, the startup that applies destinations/ and `defs validate`.
export function nameProblems(
  spec: Pick<DestinationSpec, 'traits' | 'audiences'>,
  names: DestinationNames,
): SpecProblem[] {
  const out: SpecProblem[] = [];
  for (const [i, name] of (spec.traits ?? []).entries()) {
    const rule = traitRule(name, names.trait(name));
    if (rule) out.push({ path: ['traits', i], atKey: false, rule });
  }
  for (const [i, slug] of (spec.audiences ?? []).entries()) {
    const rule = audienceRule(slug, names.audience(slug));
    if (rule) out.push({ path: ['audiences', i], atKey: false, rule });
  }
  return out;
}

// The names of `defs validate`, as for audience rules (folderContext): what the folder declares
// exists; a name no trait or audience could take does not; anything else is left to the server.
export function folderNames(
  traits: Iterable<string>,
  audiences: Iterable<string>,
): DestinationNames {
  const declared = new Set(traits);
  const slugs = new Set(audiences);
  const audience = (slug: string): NameState =>
    slugs.has(slug) ? 'active' : AUDIENCE_SLUG.test(slug) ? 'unchecked' : undefined;
  return {
    trait: (name) => {
      if (declared.has(name)) return 'active';
      if (name.startsWith(AUDIENCE_PREFIX)) return audience(name.slice(AUDIENCE_PREFIX.length));
      return couldNameTrait(name) ? 'unchecked' : undefined;
    },
    audience,
  };
}
