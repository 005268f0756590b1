import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { LOCK_BUSY, schemaLockKey, withDataSourceLock } from '../../database/session-lock';
import { RunTally } from '../../runs/run-tally';
import type { RunsService } from '../../runs/runs.service';
import { DEFAULTS, DestinationSpec } from '../spec/destination-spec';
import type { SyncRecord } from '../sync/record-builder';
import { backoffMs } from './backoff';
import * as SQL from './delivery.sql';
import { send } from './http-sender';
import { OutgoingRecord, renderBody } from './render';

interface DueRow {
  id: string;
  profileId: string;
  deliveryId: string;
  payload: SyncRecord;
  payloadHash: string;
  nextAttemptAt: Date;
}

const IDLE_POLL_MS = 1000;
const BUSY_RETRY_MS = 2000;

// Delivers one destination's outbox, in order, a batch at a time: one lane per destination, so a
// destination that fails or throttles waits on its own and never slows another. Across
// processes a session advisory lock keeps one lane per destination. Each stretch of work is one
// run (source kind `destination`).
export class DeliveryLane {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  // A wake that came while the lane was busy is not lost: the next sleep returns at once.
  private woken = false;
  private nextFree = 0;
  private runId: string | null = null;
  private tally = new RunTally();

  constructor(
    private readonly db: DataSource,
    private readonly runs: RunsService,
    private readonly logger: Logger,
    readonly id: string,
    readonly slug: string,
    readonly spec: DestinationSpec,
    readonly version: number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.hold().catch((err: Error) =>
      this.logger.error(`destination ${this.slug} lane stopped: ${err.name}`),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async hold(): Promise<void> {
    while (this.running) {
      const held = await withDataSourceLock(
        this.db,
        schemaLockKey(this.db, `destination:${this.id}`),
        'try',
        () => this.deliverAll(),
      );
      if (held === LOCK_BUSY) await this.sleep(BUSY_RETRY_MS);
    }
  }

  private async deliverAll(): Promise<void> {
    while (this.running) {
      try {
        const waitMs = await this.step();
        if (waitMs > 0) await this.sleep(waitMs);
      } catch (err) {
        this.logger.warn(`destination ${this.slug}: delivery step failed: ${(err as Error).name}`);
        await this.sleep(BUSY_RETRY_MS);
      }
    }
    await this.endRun();
  }

  // One batch; returns how long to wait before the next.
  private async step(): Promise<number> {
    const batchSize = this.spec.batch_size ?? DEFAULTS.batch_size;
    const rows: DueRow[] = await this.db.query(SQL.DUE, [this.id, batchSize]);
    if (rows.length === 0) {
      await this.endRun();
      return IDLE_POLL_MS;
    }
    const due = rows[0].nextAttemptAt.getTime() - Date.now();
    if (due > 0) return due;
    const ready = rows.filter((r) => r.nextAttemptAt.getTime() <= Date.now());
    await this.startRun();
    const { send: toSend, skip } = await this.unchanged(ready);
    if (skip.length > 0) await this.db.query(SQL.SKIP, [skip]);
    this.tally.read += ready.length;
    this.tally.unchanged += skip.length;
    if (toSend.length === 0) return 0;
    await this.pace(toSend.length);
    const records: OutgoingRecord[] = toSend.map((r) => ({
      deliveryId: r.deliveryId,
      ...r.payload,
    }));
    const outcome = await send(this.spec, renderBody(this.spec, records));
    const ids = toSend.map((r) => r.id);
    if (outcome.kind === 'delivered') {
      await this.db.query(SQL.DELIVERED, [ids, this.slug, this.runId, outcome.status]);
      this.tally.changed += ids.length;
      await this.progress();
      return 0;
    }
    if (outcome.kind === 'throttled') {
      const wait =
        outcome.retryAfterMs ?? backoffMs(this.spec.backoff_ms ?? DEFAULTS.backoff_ms, 1);
      await this.db.query(SQL.THROTTLED, [ids, 'HTTP 429', wait]);
      return wait;
    }
    const attempt = 1 + (await this.attemptsOf(ids));
    const wait = backoffMs(this.spec.backoff_ms ?? DEFAULTS.backoff_ms, attempt);
    const statuses: { status: string }[] = await this.db.query(SQL.FAILED, [
      ids,
      outcome.reason,
      this.spec.max_attempts ?? DEFAULTS.max_attempts,
      wait,
      outcome.retryable,
    ]);
    const dead = statuses.filter((s) => s.status === 'dead').length;
    if (dead > 0) this.tally.addRejected(dead, `dead-lettered: ${outcome.reason}`);
    this.logger.warn(
      `destination ${this.slug}: ${ids.length} record(s) failed (${outcome.reason}), ${dead} dead-lettered`,
    );
    await this.progress();
    return dead === ids.length ? 0 : wait;
  }

  private async attemptsOf(ids: string[]): Promise<number> {
    const [r]: { n: number }[] = await this.db.query(
      'SELECT coalesce(max(attempts), 0)::int AS n FROM destination_outbox WHERE id = ANY($1::bigint[])',
      [ids],
    );
    return r.n;
  }

  // A record identical to the last one delivered for its profile (or to the one before it in
  // this batch) is not sent again.
  private async unchanged(rows: DueRow[]): Promise<{ send: DueRow[]; skip: string[] }> {
    const last: { profileId: string; payloadHash: string }[] = await this.db.query(SQL.LAST_SENT, [
      this.id,
      [...new Set(rows.map((r) => r.profileId))],
    ]);
    const hashes = new Map(last.map((l) => [l.profileId, l.payloadHash]));
    const out = { send: [] as DueRow[], skip: [] as string[] };
    for (const r of rows) {
      if (hashes.get(r.profileId) === r.payloadHash) out.skip.push(r.id);
      else {
        out.send.push(r);
        hashes.set(r.profileId, r.payloadHash);
      }
    }
    return out;
  }

  // At most rate_limit records per second: each batch books its share of time.
  private async pace(count: number): Promise<void> {
    if (!this.spec.rate_limit) return;
    const now = Date.now();
    const start = Math.max(now, this.nextFree);
    this.nextFree = start + (count / this.spec.rate_limit) * 1000;
    if (start > now) await new Promise((r) => setTimeout(r, start - now));
  }

  private async startRun(): Promise<void> {
    if (this.runId) return;
    this.tally = new RunTally();
    this.runId = await this.runs.startExclusive('destination', this.slug, {
      destinationId: this.id,
    });
  }

  private async progress(): Promise<void> {
    if (this.runId) await this.runs.progress(this.runId, this.tally);
  }

  private async endRun(): Promise<void> {
    if (!this.runId) return;
    const runId = this.runId;
    this.runId = null;
    await this.runs.progress(runId, this.tally);
    await this.runs.end(
      runId,
      this.tally.rejected > 0 ? `${this.tally.rejected} record(s) dead-lettered` : null,
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running || this.woken) {
        this.woken = false;
        return resolve();
      }
      const done = () => {
        clearTimeout(timer);
        this.woken = false;
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
