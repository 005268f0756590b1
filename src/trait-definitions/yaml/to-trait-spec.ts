import { SCOPES } from '../../api-keys/scopes';
import { READ_SCOPES, TraitSourceSpec, TraitSpec, TraitType } from '../trait-spec';

// The keys a schema-valid `traits:` item may carry (definition-file.schema.ts).
export interface TraitItem {
  name: string;
  type: TraitType;
  column?: string;
  description?: string;
  owner?: string;
  pii?: boolean;
  exposure?: string[];
  freshness?: string;
  values?: string[];
}

// Fills defaults: column = name, pii false, exposure = every read scope (in SCOPES order, so
// a reordered list is not a change), and records the file the source was declared in.
export function toTraitSpec(
  item: TraitItem,
  source: Record<string, unknown>,
  file: string,
): TraitSpec {
  const declared = item.exposure ?? [...READ_SCOPES];
  return {
    name: item.name,
    type: item.type,
    description: item.description ?? null,
    owner: item.owner ?? null,
    pii: item.pii ?? false,
    exposure: SCOPES.filter((s) => declared.includes(s)),
    freshness: item.freshness ?? null,
    column: item.column ?? item.name,
    values: item.values ?? null,
    source: { ...source, file } as TraitSourceSpec,
  };
}
