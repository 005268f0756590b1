import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLine } from '../../src/traits/copy-text';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { eventJson } from './dataset';

export interface CopyArgs {
  schema: string;
  events: number;
  run: string;
}

export interface CopyReport {
  rows: number;
  seconds: number;
}

// The disk's side of the figure: the same payloads, already encoded, COPYed into an unindexed
// table with the inbox's columns (jsonb payload), and counted by the server.
runAsChild<CopyReport>(async () => {
  const args = childArgs<CopyArgs>();
  const now = new Date().toISOString();
  const lines: string[] = [];
  for (let i = 0; i < args.events; i++) {
    lines.push(
      copyLine([
        'bench',
        `${args.run}-${i}`,
        i % 8,
        'track',
        'Level Completed',
        eventJson(args.run, i),
        now,
        '1-0-0',
      ]),
    );
  }
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: `-c search_path=${args.schema}`,
  });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE raw_inbox (source_id text, message_id text, shard int2, type text, event text, payload jsonb, received_at timestamptz, schema_version text)`,
    );
    const started = process.hrtime.bigint();
    await pipeline(Readable.from(lines), client.query(copyFrom('COPY raw_inbox FROM STDIN')));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM raw_inbox');
    return { rows: Number(rows[0].n), seconds };
  } finally {
    await client.end();
  }
});
