import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { REDIS } from '../../redis/redis.token';
import { EVENT_SHARDS } from '../ingest/shard';

// Shards signalled within this window go out in one message.
const SIGNAL_WINDOW_MS = 10;

// The Redis pub/sub channel on which shards with new inbox rows are announced, one per deployment.
export function shardSignalChannel(schema: string): string {
  return `traitbase:${schema}:event-shards`;
}

// A signal: the process that sent it, then its shards ("<origin> 3,17,90").
export function parseShardSignal(raw: string): { origin: string; shards: number[] } {
  const [origin, list = ''] = raw.split(' ', 2);
  const shards = list
    .split(',')
    .filter((s) => s !== '')
    .map(Number)
    .filter((s) => Number.isInteger(s) && s >= 0 && s < EVENT_SHARDS);
  return { origin, shards };
}

// Tells the worker processes that the inbox has new rows, after they were committed: a worker in
// this process hears it directly, the others over Redis. A signal lost (a crash between commit and
// publish, Redis away) only delays processing: each worker looks for waiting rows in its shards
// every second.
@Injectable()
export class ShardSignaller {
  // The workers of this process hear its signals directly and skip their echo from Redis.
  readonly origin = randomUUID();
  private readonly channel: string;
  private readonly pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private local: ((shards: number[]) => void) | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = shardSignalChannel(config.databaseSchema);
  }

  // The event workers of this process.
  onSignal(listener: (shards: number[]) => void): void {
    this.local = listener;
  }

  signal(shards: Iterable<number>): void {
    for (const shard of shards) this.pending.add(shard);
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => this.flush(), SIGNAL_WINDOW_MS);
    this.timer.unref();
  }

  private flush(): void {
    const shards = [...this.pending];
    this.pending.clear();
    this.timer = null;
    this.local?.(shards);
    this.redis.publish(this.channel, `${this.origin} ${shards.join(',')}`).catch(() => undefined);
  }
}
