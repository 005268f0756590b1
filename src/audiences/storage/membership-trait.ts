import { AUDIENCE_PREFIX } from '../../trait-definitions/rules/reserved-names';
import { READ_SCOPES, TraitSpec } from '../../trait-definitions/trait-spec';

export const AUDIENCE_SOURCE_KIND = 'audience';

export function membershipTrait(slug: string): string {
  return `${AUDIENCE_PREFIX}${slug}`;
}

// Each audience's membership trait is managed by its own origin, so saving or archiving one
// audience never retires another's trait.
export function membershipOrigin(slug: string): string {
  return `audience:${slug}`;
}

export interface MembershipTraitInput {
  slug: string;
  name: string;
  description: string | null;
  owner: string | null;
  version: number;
}

// The definition of `audience:<slug>`: a boolean trait of source kind audience. Its source block
// names the audience and its version, so every saved version of the audience is a version of
// the trait definition too.
export function membershipTraitSpec(a: MembershipTraitInput): TraitSpec {
  return {
    name: membershipTrait(a.slug),
    type: 'boolean',
    description: a.description ? `${a.name}: ${a.description}` : a.name,
    owner: a.owner,
    pii: false,
    exposure: [...READ_SCOPES],
    freshness: null,
    column: null,
    values: null,
    source: { kind: AUDIENCE_SOURCE_KIND, audience: a.slug, version: a.version },
  };
}
