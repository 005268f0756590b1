import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { checkpoint, countRows } from '../lib/bench-db';
import { median } from '../lib/stats';

export interface RawCopyResult {
  rows: number;
  // Median of the repetitions; one COPY of a small dataset is too short to trust alone.
  seconds: number;
  repetitions: number[];
}

// The disk's side of a write figure: rows already encoded in COPY text format, streamed in one
// COPY into an unindexed table (fresh each repetition), counted by the server.
export async function rawCopy(
  client: Client,
  table: string,
  columns: string,
  chunks: string[],
  repeats = 3,
): Promise<RawCopyResult> {
  const repetitions: number[] = [];
  let rows = 0;
  for (let i = 0; i < repeats; i++) {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (${columns})`);
    await checkpoint(client);
    const start = process.hrtime.bigint();
    await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
    repetitions.push(Number(process.hrtime.bigint() - start) / 1e9);
    rows = await countRows(client, table);
  }
  await client.query(`DROP TABLE ${table}`);
  return { rows, seconds: median(repetitions), repetitions };
}
