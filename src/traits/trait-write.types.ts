import type { PoolClient } from 'pg';
import type { Provenance } from './provenance';

export interface IdentityRef {
  type: string;
  value: string;
}

export interface TraitWriteRow {
  identity: IdentityRef;
  trait: string;
  value: unknown;
  // When the value was true at the source; defaults to the time of the write.
  observedAt?: Date | string | null;
  // This row's own source reference (e.g. the event message it came in), in place of the batch's
  // provenance.sourceRef; lets one batch carry many small deliveries with exact provenance each.
  sourceRef?: Record<string, unknown>;
}

export interface RejectedRow {
  index: number;
  reason: string;
}

export interface ProfileRevision {
  profileId: string;
  revision: number;
}

export interface WriteResult {
  accepted: number;
  revisions: number;
  unchanged: number;
  rejected: RejectedRow[];
  profiles: ProfileRevision[];
}

export interface WriteBatch {
  rows: TraitWriteRow[];
  provenance: Provenance;
  // Called with the batch's result once its rows are applied, inside its transaction (again on a
  // retry), so what it writes commits with the revisions; with no client when no row was valid
  // (then there is no transaction). An API write records its run this way.
  alongside?: (result: WriteResult, client?: PoolClient) => Promise<void>;
}
