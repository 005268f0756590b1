import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { runsWorkers } from '../../queue/queue.module';
import { REDIS } from '../../redis/redis.token';
import { errorCode, EventApplier } from './event-applier.service';
import { InboxSweeper } from './inbox-sweeper.service';
import { PENDING } from './lease.sql';
import { ShardLeases } from './shard-leases';
import { parseShardSignal, shardSignalChannel, ShardSignaller } from './shard-signaller.service';

export const EVENT_WORKER_CONCURRENCY = 4;
// How often leases are rebalanced and the held shards are looked at for waiting rows (a signal
// lost, a shard just taken over).
export const LEASE_TICK_MS = 1000;
const MAINTAIN_EVERY_MS = 60 * 60 * 1000;
const FIRST_MAINTAIN_AFTER_MS = 5000;

// In worker roles: create the coming event partitions, lease a fair share of the event shards
// (shared with every other worker process of the deployment), and drain the held shards that have
// waiting rows, a few at a time, each shard by one drain at a time. Woken by signals after
// ingestion commits; every tick also looks at the held shards, so nothing waits on a lost signal.
@Injectable()
export class EventWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventWorkers.name);
  private readonly concurrency: number;
  private leases: ShardLeases | null = null;
  private subscriber: Redis | null = null;
  private readonly dirty = new Set<number>();
  private readonly running = new Map<number, Promise<void>>();
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly applier: EventApplier,
    private readonly signaller: ShardSignaller,
    private readonly sweeper: InboxSweeper,
  ) {
    this.concurrency = config.eventWorkerConcurrency ?? EVENT_WORKER_CONCURRENCY;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    await this.sweeper.ensurePartitions();
    this.leases = new ShardLeases({
      url: this.config.databaseUrl,
      schema: this.config.databaseSchema,
    });
    this.signaller.onSignal((shards) => this.wake(shards));
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('message', (_channel: string, raw: string) => {
      const signal = parseShardSignal(raw);
      if (signal.origin !== this.signaller.origin) this.wake(signal.shards);
    });
    sub.on('error', () => undefined); // RedisWatch reports Redis going away; the tick covers it
    await sub.subscribe(shardSignalChannel(this.config.databaseSchema)).catch(() => undefined);
    await this.tick().catch((err: unknown) => this.warn('first lease round failed', err));
    this.every(LEASE_TICK_MS, () => this.tick());
    this.every(MAINTAIN_EVERY_MS, () => this.sweeper.maintain());
    // The first retention pass runs soon after start, not before the workers (it may be long).
    this.after(FIRST_MAINTAIN_AFTER_MS, () => this.sweeper.maintain());
  }

  // Drains under way finish their batch (the applier stops between batches once stopping), then
  // the leases go with their connection and peers take the shards over.
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.timers.forEach(clearTimeout);
    await Promise.allSettled(this.running.values());
    await this.subscriber?.quit().catch(() => undefined);
    await this.leases?.close();
  }

  private async tick(): Promise<void> {
    const leases = this.leases;
    if (!leases || this.stopping) return;
    await leases.rebalance((shard) => this.running.has(shard));
    // Shards being drained or already due one are known to have work: only the others are looked
    // at (under a backlog that is nearly none, and the look steps over each shard's deleted rows).
    const idle = leases.shards().filter((s) => !this.running.has(s) && !this.dirty.has(s));
    if (idle.length === 0) return;
    const rows: { shard: number }[] = await this.db.query(PENDING, [idle]);
    this.wake(rows.map((r) => r.shard));
  }

  private wake(shards: number[]): void {
    const leases = this.leases;
    if (!leases) return;
    for (const shard of shards) if (leases.holds(shard)) this.dirty.add(shard);
    this.pump();
  }

  // Starts drains of dirty shards, oldest signal first, up to the concurrency.
  private pump(): void {
    if (this.stopping) return;
    for (const shard of this.dirty) {
      if (this.running.size >= this.concurrency) return;
      if (this.running.has(shard)) continue;
      this.dirty.delete(shard);
      this.running.set(shard, this.drain(shard));
    }
  }

  private async drain(shard: number): Promise<void> {
    try {
      const fence = this.leases!.fence(shard);
      const result = await this.applier.drain(shard, {
        ...fence,
        holds: () => !this.stopping && fence.holds(),
      });
      if (result.more) this.dirty.add(shard);
      if (result.failed > 0)
        this.logger.warn(`shard ${shard}: ${result.processed} processed, ${result.failed} failed`);
    } catch (err) {
      // The database or the lease went away: the rows stay waiting and the next tick finds them.
      // Only the error's code is logged: a database error's text may quote message data.
      this.logger.warn(`shard ${shard}: drain stopped (${errorCode(err)})`);
    } finally {
      this.running.delete(shard);
      this.pump();
    }
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((err: unknown) => this.warn('periodic task failed', err))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private after(ms: number, task: () => Promise<unknown>): void {
    const timer = setTimeout(
      () => void task().catch((err: unknown) => this.warn('maintenance failed', err)),
      ms,
    );
    timer.unref();
    this.timers.push(timer);
  }

  private warn(what: string, err: unknown): void {
    this.logger.warn(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
