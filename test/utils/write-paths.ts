import type { AppConfig } from '../../src/config/configuration';

// The trait write path applies a batch in one of two ways (docs/trait-store.md#small-writes); the
// write-path specs run once through each, with the same expectations. The small-write path is
// taken up to the largest threshold the configuration allows, so every batch these specs send
// (up to 1,000 rows) goes through it; the bulk path is forced with 0.
export const WRITE_PATHS: { path: string; config: Partial<AppConfig> }[] = [
  { path: 'small-write path', config: { smallWriteMaxRows: 1000 } },
  { path: 'bulk path', config: { smallWriteMaxRows: 0 } },
];
