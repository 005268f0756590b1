import type { IdentityRef, TraitWriteRow } from '../../../traits/trait-write.types';
import type { Row } from '../warehouse/batch-reader';
import type { ColumnKind } from '../warehouse/pg-type-compat';
import type { ReadPlan } from '../warehouse/read-plan';

// The identities of one row, observed together (rows with two or more non-null identities).
export interface RowIdentities {
  identities: IdentityRef[];
  at: Date;
}

export interface MappedBatch {
  writes: TraitWriteRow[];
  // The identity each row's traits were written through (for `absent: clear`).
  identities: IdentityRef[];
  together: RowIdentities[];
  // Rows whose identity columns are all null: their trait values are rejected.
  rowsWithoutIdentity: number;
  // Text of the last row's cursor value (the batch is ordered by it).
  lastCursor: string | null;
}

// Warehouse text → the JSON value a trait stores. A null column clears the trait; a text that
// does not parse (NaN, Infinity) is passed on for the write path to reject with its reason.
export function valueOf(text: string | null, kind: ColumnKind): unknown {
  if (text === null) return null;
  switch (kind) {
    case 'boolean':
      return text === 't' || text === 'true';
    case 'number':
      return Number(text);
    case 'json':
      return JSON.parse(text) as unknown;
    default:
      return text;
  }
}

function firstIdentity(row: Row, plan: ReadPlan): number {
  return plan.identities.findIndex((id) => {
    const v = row[id.index];
    return v !== null && v.trim() !== '';
  });
}

// One warehouse row → one write per trait, through the first non-null identity column in the
// declared order; observedAt is the row's cursor value when it is a timestamp, else the run start.
export function mapBatch(rows: readonly Row[], plan: ReadPlan, runStart: Date): MappedBatch {
  const out: MappedBatch = {
    writes: [],
    identities: [],
    together: [],
    rowsWithoutIdentity: 0,
    lastCursor: null,
  };
  const cursorIsTime = plan.cursor?.kind === 'timestamp' || plan.cursor?.kind === 'date';
  for (const row of rows) {
    const first = firstIdentity(row, plan);
    if (first < 0) {
      out.rowsWithoutIdentity += 1;
      continue;
    }
    const identity = {
      type: plan.identities[first].type,
      value: row[plan.identities[first].index] as string,
    };
    const cursorText = plan.cursor ? row[plan.cursor.index] : null;
    const observedAt = cursorIsTime && cursorText !== null ? cursorText : runStart;
    for (const t of plan.traits) {
      out.writes.push({
        identity,
        trait: t.trait,
        value: valueOf(row[t.index], t.kind),
        observedAt,
      });
    }
    out.identities.push(identity);
    const others: IdentityRef[] = [];
    for (let i = first + 1; i < plan.identities.length; i++) {
      const v = row[plan.identities[i].index];
      if (v !== null && v.trim() !== '') others.push({ type: plan.identities[i].type, value: v });
    }
    if (others.length > 0) {
      out.together.push({
        identities: [identity, ...others],
        at: typeof observedAt === 'string' ? new Date(observedAt) : observedAt,
      });
    }
  }
  if (plan.cursor && rows.length > 0) out.lastCursor = rows[rows.length - 1][plan.cursor.index];
  return out;
}
