import type { DataSource } from 'typeorm';

// Months ahead of now that always have their own partition of `events`.
const MONTHS_AHEAD = 2;
const MONTHS_BEHIND = 1;

function monthStart(d: Date, offset: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

function partitionName(from: Date): string {
  return `events_y${from.getUTCFullYear()}m${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
}

// Creates the monthly partitions of `events` around now. Rows that had landed in the DEFAULT
// partition for that month (events dated ahead) are moved into the new partition in the same
// transaction. Serialised by an advisory lock, so replicas may call it together.
export async function ensureEventPartitions(
  dataSource: DataSource,
  now = new Date(),
): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -MONTHS_BEHIND; offset <= MONTHS_AHEAD; offset++) {
    const from = monthStart(now, offset);
    const to = monthStart(now, offset + 1);
    const name = partitionName(from);
    await dataSource.transaction(async (em) => {
      await em.query(
        `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.events_partitions'))`,
      );
      const [exists]: { yes: boolean }[] = await em.query(
        `SELECT to_regclass($1) IS NOT NULL AS yes`,
        [name],
      );
      if (exists.yes) return;
      await em.query(
        `CREATE TABLE "${name}" (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await em.query(
        `WITH moved AS (DELETE FROM events_default WHERE timestamp >= $1 AND timestamp < $2 RETURNING *)
         INSERT INTO "${name}" SELECT * FROM moved`,
        [from, to],
      );
      await em.query(
        `ALTER TABLE events ATTACH PARTITION "${name}" FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
      );
      created.push(name);
    });
  }
  return created;
}
