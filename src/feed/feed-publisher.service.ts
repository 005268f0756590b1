import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { REDIS } from '../redis/redis.module';
import { FeedAnnouncement, feedChannel } from './feed-channel';
import { FeedListener } from './feed-listener.service';
import type { PendingBatch } from './live-batch';

// Announces a committed batch of feed changes: to this process's listeners at once (before the
// write returns), and to every other process through Redis. A failed publish loses nothing: the
// changes are in Postgres, where durable consumers read them and every process's tail finds them.
@Injectable()
export class FeedPublisher {
  private readonly logger = new Logger(FeedPublisher.name);
  private readonly channel: string;
  private failing = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly listener: FeedListener,
  ) {
    this.channel = feedChannel(config.databaseSchema);
  }

  // Call after COMMIT with what the recording returned.
  announce(pending: PendingBatch | null): void {
    if (!pending) return;
    this.listener.deliverLocal(pending);
    const message: FeedAnnouncement = { o: this.listener.origin, x: pending.xid, n: pending.count };
    if (pending.changes) message.c = pending.changes;
    this.redis.publish(this.channel, JSON.stringify(message)).then(
      () => this.setFailing(false),
      (err: Error) => this.setFailing(true, err),
    );
  }

  // One line per state change, not one per write while Redis is away.
  private setFailing(failing: boolean, err?: Error): void {
    if (failing === this.failing) return;
    this.failing = failing;
    if (failing)
      this.logger.warn(
        `feed announcements failing (${err?.message}); consumers catch up from Postgres`,
      );
    else this.logger.log('feed announcements published again');
  }
}
