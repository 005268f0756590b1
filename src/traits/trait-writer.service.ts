import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { inTransaction } from '../database/transaction';
import { normalizedHash, suppressedHashes } from '../erasure/suppression';
import { FeedPublisher } from '../feed/feed-publisher.service';
import { recordedChanges } from '../feed/feed-recorder';
import type { PendingBatch } from '../feed/live-batch';
import { RetryableConflict, withRetry } from '../identity/concurrency/retry';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { stageRows } from './stage-rows';
import * as SQL from './trait-write.sql';
import type { WriteBatch, WriteResult } from './trait-write.types';

export const MAX_BATCH_ROWS = 100_000;

// After the profiles are locked: an identity a merge or an unmerge moved since tb_obs was read.
const IDENTITY_MOVED_WHILE_LOCKING = `
SELECT 1 FROM tb_obs o JOIN identity i ON i.type = o.id_type AND i.value = o.id_value
WHERE i.profile_id <> o.profile_id LIMIT 1`;

// The one write path every source uses. A batch is validated row by row (bad rows are reported,
// the rest kept), then applied with set-based SQL in one transaction: only real changes become
// revisions, re-sending a batch changes nothing, late observations go into history only.
@Injectable()
export class TraitWriter {
  private readonly logger = new Logger(TraitWriter.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: TraitRegistry,
    private readonly feed: FeedPublisher,
  ) {}

  async write(batch: WriteBatch, now = new Date()): Promise<WriteResult> {
    if (batch.rows.length > MAX_BATCH_ROWS) {
      throw new DomainError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `rows: at most ${MAX_BATCH_ROWS} rows per batch`,
      );
    }
    const defs = await this.registry.getMany(new Set(batch.rows.map((r) => r?.trait)));
    const suppressed = await suppressedHashes(
      (sql, params) => this.dataSource.query(sql, params),
      batch.rows.map((r) => normalizedHash(r?.identity?.type, r?.identity?.value)),
    );
    const { lines, rejected } = stageRows(batch.rows, defs, batch.provenance.sourceKind, now, suppressed);
    const invalid = rejected.length;
    const result: WriteResult = { accepted: 0, revisions: 0, unchanged: 0, rejected, profiles: [] };
    if (lines.length > 0) {
      // A merge or unmerge moving this batch's identities at the same time: roll back, run again.
      await withRetry(() => {
        result.revisions = 0;
        result.rejected.length = invalid;
        return this.apply(lines, batch, result);
      });
    }
    result.rejected.sort((a, b) => a.index - b.index);
    // Conflicting late observations are rejected inside apply(), after staging.
    result.accepted = lines.length - (result.rejected.length - invalid);
    result.unchanged = result.accepted - result.revisions;
    this.logger.debug(
      `batch ${batch.provenance.sourceKind} run=${batch.provenance.runId ?? '-'}: ${result.accepted} accepted, ` +
        `${result.revisions} revisions, ${result.rejected.length} rejected`,
    );
    return result;
  }

  private async apply(lines: string[], batch: WriteBatch, result: WriteResult): Promise<void> {
    const pending = await inTransaction(this.dataSource, (client) =>
      this.applyIn(client, lines, batch, result),
    );
    this.feed.announce(pending);
  }

  private async applyIn(
    client: PoolClient,
    lines: string[],
    batch: WriteBatch,
    result: WriteResult,
  ): Promise<PendingBatch | null> {
    const { sourceKind, sourceRef, runId } = batch.provenance;
    const params = [sourceKind, JSON.stringify(sourceRef ?? {}), runId ?? null];
    await client.query(SQL.CREATE_STAGE);
    // One chunk: a stream chunk per line costs a socket write per row.
    await pipeline(Readable.from([lines.join('')]), client.query(copyFrom(SQL.COPY_STAGE)));
    await client.query(SQL.ANALYZE_STAGE);
    await client.query(SQL.CREATE_MISSING_PROFILES, [sourceKind]);
    // Observations that would change nothing are left out; none left: nothing to write.
    if ((await client.query(SQL.CREATE_OBSERVATIONS)).rowCount === 0) return null;
    await client.query(SQL.ANALYZE_OBSERVATIONS);
    await client.query(SQL.LOCK_PROFILES);
    const moved = await client.query(IDENTITY_MOVED_WHILE_LOCKING);
    if (moved.rowCount)
      throw new RetryableConflict('an identity of the batch moved to another profile');
    await client.query(SQL.CREATE_TOUCHED);
    await client.query(SQL.CLASSIFY);
    await client.query(SQL.ANALYZE_CLASSIFIED);
    await client.query(SQL.CREATE_CHANGES);
    await client.query(SQL.WRITE_FRESH, params);
    result.revisions += await this.countFreshRevisions(client);
    await client.query(SQL.CONFIRM_UNCHANGED);
    await this.applyLate(client, params, result);
    const bumped = await client.query<{ id: string; revision: string }>(SQL.BUMP_PROFILES);
    result.profiles = bumped.rows.map((r) => ({ profileId: r.id, revision: Number(r.revision) }));
    // Every revision is on the feed: what to announce after the commit.
    return recordedChanges(client, result.revisions);
  }

  // WRITE_FRESH reports upserted current values; its revisions are the rows of tb_chg.
  private async countFreshRevisions(client: PoolClient): Promise<number> {
    const res = await client.query<{ n: string }>('SELECT count(*) AS n FROM tb_chg');
    return Number(res.rows[0].n);
  }

  private async applyLate(
    client: PoolClient,
    params: unknown[],
    result: WriteResult,
  ): Promise<void> {
    await client.query(SQL.CREATE_LATE);
    for (;;) {
      const pass = await client.query<{ idx: number; action: string }>(SQL.WRITE_LATE_PASS, params);
      if (pass.rowCount === 0) return;
      for (const row of pass.rows) {
        if (row.action === 'insert' || row.action === 'contradicted') result.revisions += 1;
        if (row.action === 'conflict') {
          result.rejected.push({
            index: row.idx,
            reason: 'observedAt: a different value was already observed at this instant',
          });
        }
      }
    }
  }
}
