import type { TraitType } from './trait-spec';

// What the write and read paths need to know about a trait, kept in memory by TraitRegistry.
export interface TraitDef {
  id: number;
  name: string;
  type: TraitType;
  sourceKind: string;
  version: number;
  schemaVersion: string;
  pii: boolean;
  exposure: string[];
  freshnessSeconds: number | null;
  values: string[] | null;
  description: string | null;
  owner: string | null;
  retired: boolean;
}
