import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { inTransaction } from '../database/transaction';
import { suppressedHashes, suppressionQuery } from '../erasure/suppression';
import { FeedPublisher } from '../feed/feed-publisher.service';
import { withRetry } from '../identity/concurrency/retry';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { applyBulk } from './bulk-trait-write';
import { applySmall, SMALL_WRITE_BEGIN, SMALL_WRITE_MAX_ROWS } from './small-trait-write';
import { BatchIdentities, StagedRow, stageRows } from './stage-rows';
import type { WriteBatch, WriteResult } from './trait-write.types';

export const MAX_BATCH_ROWS = 100_000;

// The counts of an applied batch: conflicting late observations were rejected while applying,
// after the `invalid` rows staging rejected.
function settle(result: WriteResult, staged: number, invalid: number): void {
  result.rejected.sort((a, b) => a.index - b.index);
  result.accepted = staged - (result.rejected.length - invalid);
  result.unchanged = result.accepted - result.revisions;
}

// The one write path every source uses. A batch is validated row by row (bad rows are reported,
// the rest kept), then applied with set-based SQL in one transaction: only real changes become
// revisions, re-sending a batch changes nothing, late observations go into history only. A batch
// of a few rows runs the same statements over parameter arrays (small-trait-write.ts).
@Injectable()
export class TraitWriter {
  private readonly logger = new Logger(TraitWriter.name);
  private readonly smallWriteMaxRows: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: TraitRegistry,
    private readonly feed: FeedPublisher,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.smallWriteMaxRows = config.smallWriteMaxRows ?? SMALL_WRITE_MAX_ROWS;
  }

  async write(batch: WriteBatch, now = new Date()): Promise<WriteResult> {
    if (batch.rows.length > MAX_BATCH_ROWS) {
      throw new DomainError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `rows: at most ${MAX_BATCH_ROWS} rows per batch`,
      );
    }
    const defs = await this.registry.getMany(new Set(batch.rows.map((r) => r?.trait)));
    const identities = new BatchIdentities();
    const suppressed = await suppressedHashes(
      suppressionQuery(this.dataSource),
      batch.rows.map((r) => identities.of(r?.identity?.type, r?.identity?.value).hash),
    );
    const { staged, rejected } = stageRows(
      batch.rows,
      defs,
      batch.provenance.sourceKind,
      now,
      suppressed,
      identities,
    );
    const result: WriteResult = {
      accepted: 0,
      revisions: 0,
      unchanged: 0,
      rejected: [...rejected],
      profiles: [],
    };
    if (staged.length > 0) {
      // A merge or unmerge moving this batch's identities at the same time: roll back, run again.
      await withRetry(() => {
        result.revisions = 0;
        result.rejected = [...rejected];
        return this.apply(staged, batch, result);
      });
    } else {
      settle(result, 0, rejected.length);
      await batch.alongside?.(result);
    }
    this.logger.debug(
      `batch ${batch.provenance.sourceKind} run=${batch.provenance.runId ?? '-'}: ${result.accepted} accepted, ` +
        `${result.revisions} revisions, ${result.rejected.length} rejected`,
    );
    return result;
  }

  private async apply(staged: StagedRow[], batch: WriteBatch, result: WriteResult): Promise<void> {
    const { sourceKind, sourceRef, runId } = batch.provenance;
    const params = [sourceKind, JSON.stringify(sourceRef ?? {}), runId ?? null];
    const small = staged.length <= this.smallWriteMaxRows;
    const invalid = result.rejected.length;
    const pending = await inTransaction(
      this.dataSource,
      async (client) => {
        const changes = await (small ? applySmall : applyBulk)(client, staged, params, result);
        settle(result, staged.length, invalid);
        await batch.alongside?.(result, client);
        return changes;
      },
      small ? SMALL_WRITE_BEGIN : 'BEGIN',
    );
    this.feed.announce(pending);
  }
}
