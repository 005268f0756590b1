import { ERASED_REASON, hashIdentity } from '../erasure/suppression';
import { NormalizedIdentity, normalizeIdentity } from '../identity/identity-normalizer';
import type { TraitDef } from '../trait-definitions/trait-def';
import { checkTraitValue } from './trait-value.validator';
import type { RejectedRow, TraitWriteRow } from './trait-write.types';
import { writeInstant } from './write-instant';

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

interface BatchIdentity {
  identity: NormalizedIdentity;
  // SHA-256 of the normalised identity (erasure suppression); null when it is not valid.
  hash: string | null;
}

// The rows of a batch mostly repeat their identity (one row per trait of a profile, a sync's rows
// grouped by person), so each distinct identity is normalised and hashed once per batch: for the
// suppression check and again for staging.
export class BatchIdentities {
  private readonly seen = new Map<string, Map<string | number, BatchIdentity>>();

  of(type: unknown, value: unknown): BatchIdentity {
    if (typeof type !== 'string' || (typeof value !== 'string' && typeof value !== 'number'))
      return BatchIdentities.normalized(type, value);
    let ofType = this.seen.get(type);
    if (!ofType) this.seen.set(type, (ofType = new Map<string | number, BatchIdentity>()));
    let found = ofType.get(value);
    if (!found) ofType.set(value, (found = BatchIdentities.normalized(type, value)));
    return found;
  }

  private static normalized(type: unknown, value: unknown): BatchIdentity {
    const identity = normalizeIdentity(type, value);
    return { identity, hash: identity.ok ? hashIdentity(identity.type, identity.value) : null };
  }
}

interface Instants {
  now: Date;
  nowIso: string;
  parsed: Map<string, string>;
}

// observedAt as stored (ISO-8601 UTC) or why it is refused; the rows of a batch mostly share a few
// instants, so each distinct string is parsed once per batch.
function observedAtOf(row: TraitWriteRow, { now, nowIso, parsed }: Instants): string {
  const raw = row.observedAt;
  if (raw === undefined || raw === null) return nowIso;
  if (typeof raw === 'string') {
    const known = parsed.get(raw);
    if (known !== undefined) return known;
    const checked = checkedInstant(new Date(raw), now);
    parsed.set(raw, checked);
    return checked;
  }
  return checkedInstant(raw instanceof Date ? raw : undefined, now);
}

function checkedInstant(date: Date | undefined, now: Date): string {
  if (!date || Number.isNaN(date.getTime())) return INVALID_INSTANT;
  if (date.getTime() > now.getTime() + MAX_FUTURE_MS) return FUTURE_INSTANT;
  return date.toISOString();
}

const INVALID_INSTANT = 'observedAt: must be an ISO-8601 timestamp';
const FUTURE_INSTANT = 'observedAt: more than 1h in the future';

// Validates each row against its definition and stages the valid ones;
// rejected rows are reported by their index in the batch.
export function stageRows(
  rows: TraitWriteRow[],
  defs: ReadonlyMap<string, TraitDef | undefined>,
  sourceKind: string,
  now: Date,
  suppressed: ReadonlySet<string> = new Set(),
  identities = new BatchIdentities(),
): StagedRows {
  const staged: StagedRow[] = [];
  const rejected: RejectedRow[] = [];
  const instants: Instants = { now, nowIso: writeInstant(now), parsed: new Map() };
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
    const { identity, hash } = identities.of(row.identity?.type, row.identity?.value);
    if (!identity.ok) return rejected.push({ index, reason: identity.reason });
    if (suppressed.size > 0 && hash !== null && suppressed.has(hash))
      return rejected.push({ index, reason: ERASED_REASON });
    const checked = checkTraitValue(def, row.value);
    if (!checked.ok) return rejected.push({ index, reason: checked.reason });
    const observedAt = observedAtOf(row, instants);
    if (observedAt === INVALID_INSTANT || observedAt === FUTURE_INSTANT)
      return rejected.push({ index, reason: observedAt });
    staged.push([
      index,
      identity.type,
      identity.value,
      def.id,
      def.version,
      checked.value === null ? null : JSON.stringify(checked.value),
      observedAt,
      row.sourceRef === undefined ? null : JSON.stringify(row.sourceRef),
    ]);
  });
  return { staged, rejected };
}
