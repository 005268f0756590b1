import { Client } from 'pg';
import { copyLine } from '../../src/traits/copy-text';
import { rawCopy, RawCopyResult } from '../baselines/raw-copy';
import { ceilingLoad } from '../baselines/trait-write-ceiling';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { childArgs, runAsChild } from '../lib/child';
import { rowBatches } from './dataset';
import type { LoadArgs, PhaseResult } from './phases';

export interface BaselineArgs {
  // Migrated schema with the trait definitions, for the SQL ceiling.
  ceiling: LoadArgs;
  // Empty schema for raw COPY.
  rawSchema: string;
}

export interface BaselineReport {
  rawCopy: RawCopyResult;
  ceiling: PhaseResult[];
}

const RAW_COLUMNS = 'id_type text, id_value text, trait text, value jsonb, observed_at timestamptz';

// Encoded outside the timed COPY: raw COPY measures the server's side only.
function encodedChunks(profiles: number): string[] {
  const chunks: string[] = [];
  for (const rows of rowBatches(profiles, 10_000)) {
    const line = (r: (typeof rows)[number]) =>
      copyLine([
        r.identity.type,
        r.identity.value,
        r.trait,
        JSON.stringify(r.value),
        r.observedAt as string,
      ]);
    chunks.push(rows.map(line).join(''));
  }
  return chunks;
}

// Both baselines of bench/trait-write in one process: raw COPY, then the SQL ceiling.
runAsChild<BaselineReport>(async () => {
  const args = childArgs<BaselineArgs>();
  const client = new Client({
    connectionString: BENCH_DATABASE_URL,
    options: `-c search_path=${args.rawSchema}`,
  });
  await client.connect();
  let copy: RawCopyResult;
  try {
    copy = await rawCopy(
      client,
      'raw_trait_row',
      RAW_COLUMNS,
      encodedChunks(args.ceiling.profiles),
    );
  } finally {
    await client.end();
  }
  return { rawCopy: copy, ceiling: await ceilingLoad(args.ceiling) };
});
