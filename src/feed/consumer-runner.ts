import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../database/transaction';
import type { DurableConsumer } from './durable-consumer';
import { FeedRow, toFeedChange } from './feed-change';
import * as SQL from './feed.sql';

export const POLL_MS = 1000;
const DEFAULT_BATCH = 500;
// A batch announced but not yet below the horizon (an older transaction still running) is
// looked for again this soon, a few times, before the regular poll takes over.
const SOON_MS = 15;
const SOON_TRIES = 20;
const MAX_BACKOFF_MS = 30_000;

// Runs one durable consumer: handles batches until caught up whenever woken (an announcement,
// the poll), one process at a time (a transaction-level advisory lock per consumer), backing off
// while its handler fails.
export class ConsumerRunner {
  private readonly logger: Logger;
  private readonly lockKey: string;
  private readonly batchSize: number;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  private announced = 0n;
  private soonTries = 0;
  private timers = new Set<NodeJS.Timeout>();
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DataSource,
    schema: string,
    readonly consumer: DurableConsumer,
  ) {
    this.logger = new Logger(`FeedConsumer:${consumer.name}`);
    this.lockKey = createHash('sha256')
      .update(`${schema}\u0000feed-consumer\u0000${consumer.name}`)
      .digest()
      .readBigInt64BE(0)
      .toString();
    this.batchSize = consumer.batchSize ?? DEFAULT_BATCH;
  }

  async start(): Promise<void> {
    const [h]: { horizon: string }[] = await this.db.query(SQL.HORIZON);
    const from = this.consumer.start === 'beginning' ? '0' : h.horizon;
    await this.db.query(SQL.ENSURE_CONSUMER, [this.consumer.name, from]);
    this.poll = setInterval(() => this.wake(), POLL_MS);
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    this.timers.forEach(clearTimeout);
    await this.running;
  }

  // A batch was committed (its transaction id, when known).
  wake(xid?: string): void {
    if (xid && BigInt(xid) > this.announced) {
      this.announced = BigInt(xid);
      this.soonTries = 0;
    }
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  // Handles batches until the feed holds nothing more below the horizon; resolves when done.
  async drain(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.loop().finally(() => (this.running = null));
    await this.running;
  }

  private async loop(): Promise<void> {
    try {
      // A stopping process hands over after the batch in hand (the cursor is saved with it).
      while (!this.stopped) {
        this.again = false;
        const { handled, horizon } = await this.once();
        this.failures = 0;
        if (handled > 0) this.consumer.committed?.();
        if (handled === this.batchSize || this.again) continue;
        if (handled >= 0 && horizon <= this.announced && this.soonTries++ < SOON_TRIES) {
          this.later(SOON_MS);
        }
        return;
      }
    } catch (err) {
      this.failures += 1;
      const e = err as { name?: string; code?: string };
      // The name and SQLSTATE only: messages may quote the values that failed.
      this.logger.error(
        `batch failed (${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}), attempt ${this.failures}; retrying`,
      );
      this.later(Math.min(MAX_BACKOFF_MS, 100 * 2 ** this.failures));
    }
  }

  private later(ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.wake();
    }, ms);
    this.timers.add(t);
  }

  // One batch in one transaction: -1 when another process holds this consumer.
  private once(): Promise<{ handled: number; horizon: bigint }> {
    return inTransaction(this.db, async (client) => {
      const { rows: lock } = await client.query<{ locked: boolean }>(SQL.TRY_LOCK, [this.lockKey]);
      if (!lock[0].locked) return { handled: -1, horizon: 0n };
      const cursor = await this.cursor(client);
      // Prepared once per connection: planning the horizon costs more than running it.
      const { rows: hr } = await client.query<{ horizon: string }>({
        name: 'traitbase-feed-horizon',
        text: SQL.HORIZON,
      });
      const horizon = BigInt(hr[0].horizon);
      // An idle consumer reads nothing: like an empty batch, its cursor moves to the horizon.
      const idle = (await this.consumer.idle?.(client)) ?? false;
      const rows = idle ? [] : await this.next(client, cursor, horizon);
      if (rows.length > 0) await this.consumer.handle(rows.map(toFeedChange), client);
      const last = rows[rows.length - 1];
      if (rows.length === this.batchSize) await this.save(client, last.xid, last.position);
      else if (horizon > BigInt(cursor.xid)) await this.save(client, horizon.toString(), '0');
      return { handled: rows.length, horizon };
    });
  }

  private async next(
    client: PoolClient,
    cursor: { xid: string; position: string },
    horizon: bigint,
  ): Promise<(FeedRow & { xid: string })[]> {
    const { rows } = await client.query<FeedRow & { xid: string }>(SQL.NEXT_BATCH, [
      cursor.xid,
      cursor.position,
      horizon.toString(),
      this.consumer.kinds ?? null,
      this.batchSize,
    ]);
    return rows;
  }

  private async cursor(client: PoolClient): Promise<{ xid: string; position: string }> {
    const { rows } = await client.query<{ xid: string; position: string }>(SQL.READ_CURSOR, [
      this.consumer.name,
    ]);
    return rows[0];
  }

  private async save(client: PoolClient, xid: string, position: string): Promise<void> {
    await client.query(SQL.SAVE_CURSOR, [this.consumer.name, xid, position]);
  }
}
