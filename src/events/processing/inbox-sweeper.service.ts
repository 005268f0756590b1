import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ensureEventPartitions } from './event-partitions';

// messageId dedup needs the inbox rows for at least 7 days; applied rows go after that (a message
// still queued is never deleted, however old).
const INBOX_RETENTION = '7 days 1 hour';
const FAILED_RETENTION = '30 days';
const INVALID_RETENTION = '30 days';
const RATE_RETENTION = '8 days';

// Event partitions and retention of the inbox, invalid events and rates (hourly, in worker roles).
@Injectable()
export class InboxSweeper {
  private readonly logger = new Logger(InboxSweeper.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async ensurePartitions(): Promise<void> {
    const created = await ensureEventPartitions(this.dataSource);
    if (created.length > 0) this.logger.log(`created event partitions ${created.join(', ')}`);
  }

  // Partitions and retention: what the hourly maintenance does.
  async maintain(): Promise<void> {
    await this.ensurePartitions();
    const deleted: { n: string }[] = await this.dataSource.query(
      `WITH a AS (DELETE FROM event_inbox i WHERE failure IS NULL AND received_at < now() - $1::interval
                    AND NOT EXISTS (SELECT 1 FROM event_inbox_pending p WHERE p.shard = i.shard AND p.id = i.id)
                  RETURNING 1),
            b AS (DELETE FROM event_inbox WHERE failure IS NOT NULL AND received_at < now() - $2::interval RETURNING 1),
            c AS (DELETE FROM invalid_event WHERE received_at < now() - $3::interval RETURNING 1),
            d AS (DELETE FROM event_rate WHERE minute < now() - $4::interval RETURNING 1)
       SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM c) + (SELECT count(*) FROM d) AS n`,
      [INBOX_RETENTION, FAILED_RETENTION, INVALID_RETENTION, RATE_RETENTION],
    );
    const n = Number(deleted[0].n);
    if (n > 0) this.logger.log(`retention: deleted ${n} row(s)`);
  }
}
