import type { WriteResult } from './trait-write.types';

export const CONFLICT_REASON = 'observedAt: a different value was already observed at this instant';

export interface LateDecision {
  idx: number;
  action: string;
}

// What one late pass decided, into the batch's result: inserted and contradicted observations are
// revisions; a different value at the same instant rejects the row.
export function noteLateDecisions(decided: readonly LateDecision[], result: WriteResult): void {
  for (const row of decided) {
    if (row.action === 'insert' || row.action === 'contradicted') result.revisions += 1;
    if (row.action === 'conflict')
      result.rejected.push({ index: row.idx, reason: CONFLICT_REASON });
  }
}
