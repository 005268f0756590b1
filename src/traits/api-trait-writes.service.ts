import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../api-keys/scopes';
import { toPublicError } from '../common/errors/error-mapping';
import { traitRowsWritten } from '../metrics/metrics';
import { RunsService, WholeRun } from '../runs/runs.service';
import type { WriteTraitsInput } from './dto/write-traits.input';
import { TraitWriter } from './trait-writer.service';

// writeTraits: one API call = one run of source kind `api`, provenance naming the key that wrote.
// The run is recorded whole, in the write's own transaction: a call commits once (a failed call
// records its failed run on its own).
@Injectable()
export class ApiTraitWrites {
  constructor(
    private readonly writer: TraitWriter,
    private readonly runs: RunsService,
  ) {}

  async write(input: WriteTraitsInput, principal: Principal) {
    const run: WholeRun = {
      id: randomUUID(),
      sourceKind: 'api',
      source: principal.name,
      metadata: { keyId: principal.keyId, callerRunId: input.runId ?? null },
    };
    const runId = input.runId ?? run.id;
    // Only the row fields a caller may set: provenance is the key's, never the body's.
    const rows = input.rows.map(({ identity, trait, value, observedAt }) => ({
      identity,
      trait,
      value,
      observedAt,
    }));
    try {
      const result = await this.writer.write({
        rows,
        provenance: { sourceKind: 'api', sourceRef: { keyId: principal.keyId }, runId },
        alongside: (written, client) =>
          this.runs.recordWhole(run, { results: [written], writes: rows, client }),
      });
      traitRowsWritten.inc({ source_kind: 'api', outcome: 'revision' }, result.revisions);
      traitRowsWritten.inc({ source_kind: 'api', outcome: 'unchanged' }, result.unchanged);
      traitRowsWritten.inc({ source_kind: 'api', outcome: 'rejected' }, result.rejected.length);
      return { runId, ...result };
    } catch (err) {
      const pub = toPublicError(err);
      await this.runs.recordWhole(run, {
        results: [],
        error: pub.errorId ? `${pub.message} (${pub.errorId})` : pub.message,
      });
      throw err;
    }
  }
}
