import type { PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';

// One transaction on a pooled connection, with the raw pg client for set-based SQL: the one way
// the write paths (traits, identity, the change feed) run a transaction. `begin` may add
// statements to the first round trip (settings, locks, a read); `work` gets what they returned.
export async function inTransaction<T>(
  db: DataSource,
  work: (client: PoolClient, began: BeginResults) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const runner = db.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    const began = new BeginResults(await client.query(begin));
    const out = await work(client, began);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

// What the statements of a transaction's first round trip returned: node-postgres answers one
// result for one statement and an array for several.
export class BeginResults {
  constructor(private readonly results: QueryResult | QueryResult[]) {}

  // The rows of the last statement.
  last<R>(): R[] {
    const all = Array.isArray(this.results) ? this.results : [this.results];
    return all[all.length - 1].rows as R[];
  }
}
