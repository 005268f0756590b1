import { Injectable } from '@nestjs/common';
import type { Principal } from '../api-keys/scopes';
import { toPublicError } from '../common/errors/error-mapping';
import { traitRowsWritten } from '../metrics/metrics';
import { RunsService } from '../runs/runs.service';
import type { WriteTraitsInput } from './dto/write-traits.input';
import { TraitWriter } from './trait-writer.service';

// writeTraits: one API call = one run of source kind `api`, provenance naming the key that wrote.
@Injectable()
export class ApiTraitWrites {
  constructor(
    private readonly writer: TraitWriter,
    private readonly runs: RunsService,
  ) {}

  async write(input: WriteTraitsInput, principal: Principal) {
    const run = await this.runs.start('api', principal.name, {
      keyId: principal.keyId,
      callerRunId: input.runId ?? null,
    });
    const runId = input.runId ?? run.id;
    try {
      const result = await this.writer.write({
        // Only the row fields a caller may set: provenance is the key's, never the body's.
        rows: input.rows.map(({ identity, trait, value, observedAt }) => ({
          identity,
          trait,
          value,
          observedAt,
        })),
        provenance: { sourceKind: 'api', sourceRef: { keyId: principal.keyId }, runId },
      });
      await this.runs.finish(run, [result]);
      traitRowsWritten.inc({ source_kind: 'api', outcome: 'revision' }, result.revisions);
      traitRowsWritten.inc({ source_kind: 'api', outcome: 'unchanged' }, result.unchanged);
      traitRowsWritten.inc({ source_kind: 'api', outcome: 'rejected' }, result.rejected.length);
      return { runId, ...result };
    } catch (err) {
      const pub = toPublicError(err);
      await this.runs.finish(
        run,
        [],
        pub.errorId ? `${pub.message} (${pub.errorId})` : pub.message,
      );
      throw err;
    }
  }
}
