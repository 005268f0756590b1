import type { PoolClient } from 'pg';
import { quoteIdent } from '../artifacts/relation-name';
import type { ReadPlan } from './read-plan';

export type Row = (string | null)[];

const CURSOR_NAME = 'tb_dbt_read';

// Streams a relation in batches through a server-side cursor, inside one read-only
// REPEATABLE READ transaction: one sort, one consistent snapshot, constant client memory.
// `from` starts the read at a cursor value, inclusive, so rows sharing the boundary value with
// the last committed batch are read again rather than lost (the write path is idempotent).
export async function* readBatches(
  client: PoolClient,
  relation: string,
  plan: ReadPlan,
  from: string | null,
  batchSize: number,
): AsyncGenerator<Row[]> {
  const where =
    plan.cursor && from !== null
      ? `WHERE ${quoteIdent(plan.cursor.column)} >= $1::${plan.cursor.sqlType}`
      : '';
  const params = where ? [from] : [];
  const order = plan.orderBy ? `ORDER BY ${plan.orderBy}` : '';
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let open = true;
  try {
    await client.query(
      `DECLARE ${CURSOR_NAME} NO SCROLL CURSOR FOR SELECT ${plan.select} FROM ${relation} ${where} ${order}`,
      params,
    );
    for (;;) {
      const res = await client.query<Row>({
        text: `FETCH FORWARD ${batchSize} FROM ${CURSOR_NAME}`,
        rowMode: 'array',
      });
      if (res.rows.length === 0) break;
      yield res.rows;
      if (res.rows.length < batchSize) break;
    }
    await client.query('COMMIT');
    open = false;
  } finally {
    // Reached on errors and when the consumer stops early: never leave the transaction open.
    if (open) await client.query('ROLLBACK').catch(() => undefined);
  }
}
