import { ERASED_REASON, hashIdentity } from '../erasure/suppression';
import { normalizeIdentity } from '../identity/identity-normalizer';
import type { TraitDef } from '../trait-definitions/trait-def';
import { checkTraitValue } from './trait-value.validator';
import type { RejectedRow, TraitWriteRow } from './trait-write.types';

// Observations more than this far in the future are clock errors, not facts.
const MAX_FUTURE_MS = 60 * 60 * 1000;

// A valid row in STAGE_COLUMNS order (trait-write.sql.ts): index in the batch, identity type and
// value, trait id and definition version, value and sourceRef as JSON text, observedAt ISO-8601.
export type StagedRow = [
  number,
  string,
  string,
  number,
  number,
  string | null,
  string,
  string | null,
];

export interface StagedRows {
  staged: StagedRow[];
  rejected: RejectedRow[];
}

function observedAtOf(row: TraitWriteRow, now: Date): Date | string {
  const raw = row.observedAt;
  if (raw === undefined || raw === null) return now;
  const date = raw instanceof Date ? raw : typeof raw === 'string' ? new Date(raw) : undefined;
  if (!date || Number.isNaN(date.getTime())) return 'observedAt: must be an ISO-8601 timestamp';
  if (date.getTime() > now.getTime() + MAX_FUTURE_MS)
    return 'observedAt: more than 1h in the future';
  return date;
}

// Validates each row against its definition and stages the valid ones;
// rejected rows are reported by their index in the batch.
export function stageRows(
  rows: TraitWriteRow[],
  defs: ReadonlyMap<string, TraitDef | undefined>,
  sourceKind: string,
  now: Date,
  suppressed: ReadonlySet<string> = new Set(),
): StagedRows {
  const staged: StagedRow[] = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((row, index) => {
    const def = defs.get(row?.trait);
    if (!def)
      return rejected.push({ index, reason: `trait: unknown trait ${JSON.stringify(row?.trait)}` });
    if (def.retired) return rejected.push({ index, reason: `trait: ${def.name} is retired` });
    if (def.sourceKind !== sourceKind) {
      return rejected.push({
        index,
        reason: `trait: ${def.name} is written by source ${def.sourceKind}, not ${sourceKind}`,
      });
    }
    const identity = normalizeIdentity(row.identity?.type, row.identity?.value);
    if (!identity.ok) return rejected.push({ index, reason: identity.reason });
    if (suppressed.size > 0 && suppressed.has(hashIdentity(identity.type, identity.value)))
      return rejected.push({ index, reason: ERASED_REASON });
    const checked = checkTraitValue(def, row.value);
    if (!checked.ok) return rejected.push({ index, reason: checked.reason });
    const observedAt = observedAtOf(row, now);
    if (typeof observedAt === 'string') return rejected.push({ index, reason: observedAt });
    staged.push([
      index,
      identity.type,
      identity.value,
      def.id,
      def.version,
      checked.value === null ? null : JSON.stringify(checked.value),
      observedAt.toISOString(),
      row.sourceRef === undefined ? null : JSON.stringify(row.sourceRef),
    ]);
  });
  return { staged, rejected };
}
