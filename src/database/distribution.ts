import type { Client, PoolClient } from 'pg';

// How each table is laid out when PostgreSQL is distributed by profile (Citus, docs/scaling.md),
// and the rules Citus enforces, checked against the catalog (test/distribution.e2e-spec.ts):
// - a distributed table's primary key and every unique index contain its distribution column;
// - a foreign key between distributed tables joins their distribution columns (co-location);
// - a distributed table references only reference tables; nothing else references it.
export type Placement =
  | { kind: 'distributed'; column: string; colocatedWith: 'profile' | null }
  | { kind: 'reference' }
  | { kind: 'local'; why: string };

const BY_PROFILE: Placement = {
  kind: 'distributed',
  column: 'profile_id',
  colocatedWith: 'profile',
};

// Tables not listed: distributed by profile_id when they have that column (the rule every
// per-profile table follows), else local to the coordinator.
export const TABLE_PLACEMENT: Readonly<Record<string, Placement>> = {
  profile: { kind: 'distributed', column: 'id', colocatedWith: 'profile' },
  trait_value: BY_PROFILE,
  trait_revision: BY_PROFILE,
  change_feed: BY_PROFILE,
  events: BY_PROFILE,
  // The identity lookup table: distributed by its own key, it maps an identity to its profile.
  identity: { kind: 'distributed', column: 'value', colocatedWith: null },
  trait_definition: { kind: 'reference' },
  trait_definition_version: { kind: 'reference' },
  api_key: { kind: 'reference' },
  identity_violation: {
    kind: 'local',
    why: 'audit log of refused merges, written by the resolver',
  },
  identity_move: { kind: 'local', why: 'dated log of identity moves (time travel)' },
  profile_merge: { kind: 'local', why: 'merge log' },
  // Activation (docs/activation.md): per-destination queues and logs, read in id order per
  // destination by its one delivery loop; destination_last_sent stays distributed by profile.
  destination: { kind: 'reference' },
  destination_outbox: {
    kind: 'local',
    why: 'per-destination delivery queue, read in id order by the destination loop',
  },
  data_flow_ledger: { kind: 'local', why: 'append-only log of delivered records' },
  erasure_request: {
    kind: 'local',
    why: 'audit of erasure requests, looked up by request id; its profile id is cleared on completion',
  },
};

// Known departures from the rules, each with what closing it takes. A departure not listed fails.
export const KNOWN_DEPARTURES: Readonly<Record<string, string>> = {
  'events: primary key (inbox_id, timestamp) lacks profile_id':
    "the key is the applier's idempotency guard (ON CONFLICT); under Citus it becomes (profile_id, inbox_id, timestamp) with idempotency from the inbox queue (the message leaves event_inbox_pending in the transaction that stores it)",
};

export interface DistributionProblem {
  table: string;
  rule: string;
}

const COLUMNS = `
SELECT c.relname AS table, array_agg(a.attname::text ORDER BY a.attnum) AS columns
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
GROUP BY c.relname ORDER BY c.relname`;

// Primary keys and unique indexes (constraints or not) with their columns.
const UNIQUES = `
SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary,
       array(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) AS columns
FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
WHERE t.relnamespace = $1::regnamespace AND NOT t.relispartition AND x.indisunique
ORDER BY t.relname, i.relname`;

const FOREIGN_KEYS = `
SELECT f.conname AS name, c.relname AS table, p.relname AS referenced,
       array(SELECT a.attname::text FROM unnest(f.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
       array(SELECT a.attname::text FROM unnest(f.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.n ORDER BY k.o) AS referenced_columns
FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
WHERE f.contype = 'f' AND f.connamespace = $1::regnamespace AND NOT c.relispartition
ORDER BY c.relname, f.conname`;

function placementOf(table: string, columns: readonly string[]): Placement {
  const listed = TABLE_PLACEMENT[table];
  if (listed) return listed;
  return columns.includes('profile_id') ? BY_PROFILE : { kind: 'local', why: 'not per profile' };
}

// Every way the schema's tables break the distribution rules, known departures left out.
export async function distributionProblems(
  client: Client | PoolClient,
  schema: string,
): Promise<DistributionProblem[]> {
  const columns = (await client.query<{ table: string; columns: string[] }>(COLUMNS, [schema]))
    .rows;
  const placement = new Map(columns.map((t) => [t.table, placementOf(t.table, t.columns)]));
  const problems: DistributionProblem[] = [];
  const distributed = (table: string) => {
    const p = placement.get(table);
    return p?.kind === 'distributed' ? p : null;
  };

  const allUniques = (
    await client.query<{ table: string; name: string; primary: boolean; columns: string[] }>(
      UNIQUES,
      [schema],
    )
  ).rows;
  for (const t of columns) {
    const p = distributed(t.table);
    if (!p) continue;
    const uniques = allUniques.filter((u) => u.table === t.table);
    if (!uniques.some((u) => u.primary))
      problems.push({ table: t.table, rule: `has no primary key (distributed by ${p.column})` });
    for (const u of uniques) {
      if (u.columns.includes(p.column)) continue;
      const what = u.primary ? 'primary key' : `unique index ${u.name}`;
      problems.push({
        table: t.table,
        rule: `${what} (${u.columns.join(', ')}) lacks ${p.column}`,
      });
    }
  }

  for (const fk of (
    await client.query<{
      name: string;
      table: string;
      referenced: string;
      columns: string[];
      referenced_columns: string[];
    }>(FOREIGN_KEYS, [schema])
  ).rows) {
    const child = distributed(fk.table);
    const parent = distributed(fk.referenced);
    if (!child && parent) {
      problems.push({
        table: fk.table,
        rule: `foreign key ${fk.name} references distributed ${fk.referenced} from a table that is not distributed`,
      });
    } else if (child && !parent && placement.get(fk.referenced)?.kind !== 'reference') {
      problems.push({
        table: fk.table,
        rule: `foreign key ${fk.name} references ${fk.referenced}, which is neither distributed nor a reference table`,
      });
    } else if (child && parent) {
      const i = fk.columns.indexOf(child.column);
      const colocated =
        child.colocatedWith !== null && child.colocatedWith === parent.colocatedWith;
      if (!colocated || i === -1 || fk.referenced_columns[i] !== parent.column) {
        problems.push({
          table: fk.table,
          rule: `foreign key ${fk.name} to ${fk.referenced} crosses distribution keys (${child.column} → ${parent.column} not joined)`,
        });
      }
    }
  }
  return problems.filter((p) => !(`${p.table}: ${p.rule}` in KNOWN_DEPARTURES));
}
