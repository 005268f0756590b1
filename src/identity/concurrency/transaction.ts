import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

// How every identity transaction starts. Its statements read or move the rows of a few identities
// and profiles, a sliver of any table: index paths whatever the statistics say (a table not
// analyzed since it grew — autovacuum off or behind — otherwise gets scanned or hashed whole, call
// after call), and no JIT compilation (default row estimates make these statements look costly
// enough to compile, which then takes longer than running them).
export const IDENTITY_BEGIN = 'BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL jit = off';

// One transaction on a pooled connection, with the raw pg client for set-based SQL. `begin` may
// add statements to the first round trip (locks).
export async function inTransaction<T>(
  db: DataSource,
  work: (client: PoolClient) => Promise<T>,
  begin = IDENTITY_BEGIN,
): Promise<T> {
  const runner = db.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    await client.query(begin);
    const out = await work(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
