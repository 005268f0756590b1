import type { DbtSource } from './dbt-source';

// A source ready to sync: its key (run.source) and relation resolved, with what the last
// manifest import recorded about its model.
export interface ResolvedSource extends Omit<DbtSource, 'relation'> {
  // dbt unique_id; the declared model name when no import knows the model.
  key: string;
  relation: string;
  checksum: string | null;
  tests: string[];
  lastInvocationId: string | null;
}
