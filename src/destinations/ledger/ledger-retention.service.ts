import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { runsWorkers } from '../../queue/queue.module';

const EVERY_MS = 60_000;
const CHUNK = 10_000;
// Delivered and skipped outbox rows are kept a day (the ledger is the record); dead ones until
// replayed.
const OUTBOX_KEEP = '1 day';

// Deletes ledger rows older than LEDGER_RETENTION and finished outbox rows, a chunk at a time,
// from the worker role.
@Injectable()
export class LedgerRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerRetention.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!runsWorkers(this.config)) return;
    this.timer = setInterval(
      () =>
        void this.expire().catch((err: Error) =>
          this.logger.warn(`retention pass failed: ${err.name}`),
        ),
      EVERY_MS,
    );
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async expire(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.ledgerRetentionSeconds * 1000);
    let total = 0;
    for (;;) {
      const [, n]: [unknown, number] = await this.db.query(
        `DELETE FROM data_flow_ledger WHERE id IN (SELECT id FROM data_flow_ledger WHERE delivered_at < $1 ORDER BY delivered_at LIMIT $2)`,
        [before, CHUNK],
      );
      total += n;
      if (n < CHUNK) break;
    }
    await this.db.query(
      `DELETE FROM destination_outbox WHERE status IN ('delivered', 'skipped') AND done_at < now() - interval '${OUTBOX_KEEP}'`,
    );
    if (total > 0) this.logger.log(`deleted ${total} ledger rows past retention`);
    return total;
  }
}
