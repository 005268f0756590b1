export const TRAIT_TYPES = ['boolean', 'number', 'string', 'timestamp', 'category', 'json'] as const;
export type TraitType = (typeof TRAIT_TYPES)[number];

export const SOURCE_KINDS = ['dbt', 'notebook', 'audience', 'event', 'api'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const READ_SCOPES = ['profile:read', 'profile:read:pii', 'admin'] as const;

// The stored, normalised form of one trait definition (what a version snapshots).
export interface TraitSpec {
  name: string;
  type: TraitType;
  description: string | null;
  owner: string | null;
  pii: boolean;
  exposure: string[];
  freshness: string | null;
  column: string | null;
  values: string[] | null;
  source: TraitSourceSpec;
}

// The source block a trait came from, as declared (kind plus kind-specific keys).
export interface TraitSourceSpec {
  kind: SourceKind;
  file?: string;
  [key: string]: unknown;
}
