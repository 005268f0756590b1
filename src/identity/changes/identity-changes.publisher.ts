import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { REDIS } from '../../redis/redis.module';
import type { ProfileChange } from './profile-change';

export function changesChannel(schema: string): string {
  return `traitbase:${schema}:changes`;
}

// Tells every dependent (caches, subscriptions, audiences) that a profile's identities changed,
// after commit. A publish that fails is logged, never rolled back: the merge log in Postgres is
// the record to catch up from.
@Injectable()
export class IdentityChangesPublisher {
  private readonly logger = new Logger(IdentityChangesPublisher.name);
  private readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = changesChannel(config.databaseSchema);
  }

  async publish(changes: readonly ProfileChange[]): Promise<void> {
    if (changes.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const change of changes) pipeline.publish(this.channel, JSON.stringify(change));
    try {
      await pipeline.exec();
    } catch (err) {
      this.logger.warn(
        `could not publish ${changes.length} profile change(s): ${(err as Error).message}`,
      );
    }
  }
}
