import { countRows, withClient } from '../lib/bench-db';

export interface ServerCounts {
  revisions: number;
  values: number;
  profiles: number;
  identities: number;
}

export function serverCounts(schema: string): Promise<ServerCounts> {
  return withClient(
    async (c) => ({
      revisions: await countRows(c, 'trait_revision'),
      values: await countRows(c, 'trait_value'),
      profiles: await countRows(c, 'profile'),
      identities: await countRows(c, 'identity'),
    }),
    schema,
  );
}

export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
