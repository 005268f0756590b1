import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { runsWorkers } from '../queue/queue.module';
import * as SQL from './feed.sql';

const EVERY_MS = 60_000;
const CHUNK = 10_000;

// Deletes feed rows older than FEED_RETENTION, a chunk at a time, from the worker role. Several
// workers may run it at once: each chunk is a plain DELETE of rows already expired.
@Injectable()
export class FeedRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsWorkers(this.config)) return;
    this.timer = setInterval(
      () => void this.expire().catch((err: Error) => this.fail(err)),
      EVERY_MS,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  // Deletes what is past retention now; returns how many rows went.
  async expire(now = new Date()): Promise<number> {
    if (this.running) return this.running;
    this.running = this.deleteExpired(
      new Date(now.getTime() - this.config.feedRetentionSeconds * 1000),
    );
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async deleteExpired(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const [r]: { deleted: number; scanned: number }[] = await this.db.query(SQL.DELETE_EXPIRED, [
        before,
        CHUNK,
      ]);
      total += r.deleted;
      if (r.deleted < r.scanned || r.scanned < CHUNK) break;
    }
    if (total > 0) this.logger.log(`deleted ${total} feed rows past retention`);
    return total;
  }

  private fail(err: Error): void {
    this.logger.warn(`retention pass failed: ${err.name}`);
  }
}
