import type { TraitDef } from '../trait-definitions/trait-def';
import type { StoredValue } from './stored-value';

export type TraitStatus = 'present' | 'stale' | 'missing';

// missing: no value (or cleared); stale: last observed longer ago than the definition's freshness.
export function traitStatus(def: TraitDef, stored: StoredValue | undefined, at: Date): TraitStatus {
  if (!stored || stored.value === null) return 'missing';
  if (def.freshnessSeconds !== null && at.getTime() - stored.lastObservedAt.getTime() > def.freshnessSeconds * 1000) {
    return 'stale';
  }
  return 'present';
}
