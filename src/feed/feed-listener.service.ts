import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { REDIS } from '../redis/redis.module';
import { FeedChange, FeedRow, toFeedChange } from './feed-change';
import { feedChannel, parseAnnouncement } from './feed-channel';
import { FeedTail } from './feed-tail';
import * as SQL from './feed.sql';
import type { LiveBatch, LiveListener, PendingBatch } from './live-batch';

// How often the tail looks in Postgres for batches whose announcement never arrived.
export const TAIL_EVERY_MS = 1000;

// The live side of the change feed in this process: batches committed here are handed to the
// listeners before the write returns; batches committed by other processes arrive through Redis;
// and a tail over the feed table catches any batch whose announcement was lost (a process killed
// between commit and publish, a publish while Redis was away), so a listener misses nothing.
@Injectable()
export class FeedListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedListener.name);
  readonly origin = randomUUID();
  private readonly channel: string;
  private readonly listeners = new Set<LiveListener>();
  private subscriber: Redis | null = null;
  private tail: FeedTail | null = null;
  private timer: NodeJS.Timeout | null = null;
  private connected = false;
  private lostOnce = false;
  private closing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.channel = feedChannel(config.databaseSchema);
  }

  listen(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.tail = await FeedTail.start(this.db);
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('message', (_channel: string, raw: string) => this.onAnnouncement(raw));
    sub.on('ready', () => this.onReady());
    sub.on('close', () => this.onClose());
    sub.on('error', () => undefined); // state changes are logged by onReady/onClose
    await sub.subscribe(this.channel);
    this.timer = setInterval(() => void this.catchUp(), TAIL_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  // A batch this process just committed.
  deliverLocal(pending: PendingBatch): void {
    this.deliver(pending);
  }

  private onAnnouncement(raw: string): void {
    const a = parseAnnouncement(raw);
    if (!a) return;
    if (a.o === this.origin) return; // delivered locally already
    this.deliver({ xid: a.x, count: a.n, changes: a.c ?? null });
  }

  // The tail marks what it finds as seen itself.
  private deliver(pending: PendingBatch, found = false): void {
    if (!found && this.tail && !this.tail.markSeen(pending.xid)) return;
    let loaded: Promise<FeedChange[]> | null = null;
    const batch: LiveBatch = {
      ...pending,
      load: () => {
        if (pending.changes) return Promise.resolve(pending.changes);
        loaded ??= this.changesOf(pending.xid);
        return loaded;
      },
    };
    for (const listener of this.listeners) {
      try {
        listener.batch(batch);
      } catch (err) {
        this.logger.error(
          `a feed listener failed on batch ${pending.xid}: ${(err as Error).message}`,
        );
      }
    }
  }

  private async changesOf(xid: string): Promise<FeedChange[]> {
    const rows: FeedRow[] = await this.db.query(SQL.CHANGES_OF_XID, [xid]);
    return rows.map(toFeedChange);
  }

  // Batches the tail found that no announcement delivered.
  private async catchUp(): Promise<void> {
    if (!this.tail || this.listeners.size === 0) return;
    try {
      const missed = await this.tail.advance();
      for (const m of missed) this.deliver({ xid: m.xid, count: m.count, changes: null }, true);
    } catch (err) {
      this.logger.warn(`feed tail: ${(err as Error).message}`);
    }
  }

  private onReady(): void {
    if (this.connected) return;
    this.connected = true;
    if (!this.lostOnce) return;
    this.logger.log('feed announcements: Redis reconnected');
    for (const listener of this.listeners) listener.gap?.();
  }

  private onClose(): void {
    if (!this.connected || this.closing) return;
    this.connected = false;
    this.lostOnce = true;
    this.logger.warn('feed announcements: Redis connection lost; catching up from Postgres');
  }
}
