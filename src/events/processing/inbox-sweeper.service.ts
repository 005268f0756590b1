import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EVENT_SHARDS } from '../ingest/shard';
import { ensureEventPartitions } from './event-partitions';
import { ShardSignaller } from './shard-signaller.service';

// Rows still `received` this long after arrival lost their signal (a crash between commit and
// enqueue, Redis down, a job that failed every attempt): their shard is signalled again.
const STUCK_AFTER = '5 seconds';
// messageId dedup needs the inbox rows for at least 7 days; processed rows go after that.
const INBOX_RETENTION = '7 days 1 hour';
const FAILED_RETENTION = '30 days';
const INVALID_RETENTION = '30 days';
const RATE_RETENTION = '8 days';

@Injectable()
export class InboxSweeper {
  private readonly logger = new Logger(InboxSweeper.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signaller: ShardSignaller,
  ) {}

  async sweep(): Promise<number[]> {
    // The oldest pending row of each shard, by index (cheap however large the backlog).
    const rows: { shard: number }[] = await this.dataSource.query(
      `SELECT s.shard FROM generate_series(0, $2::int - 1) AS s(shard)
       WHERE (SELECT received_at FROM event_inbox
              WHERE shard = s.shard AND state = 'received' ORDER BY id LIMIT 1) < now() - $1::interval`,
      [STUCK_AFTER, EVENT_SHARDS],
    );
    const shards = rows.map((r) => r.shard);
    if (shards.length > 0) this.signaller.signal(shards);
    return shards;
  }

  async ensurePartitions(): Promise<void> {
    const created = await ensureEventPartitions(this.dataSource);
    if (created.length > 0) this.logger.log(`created event partitions ${created.join(', ')}`);
  }

  // Partitions and retention: what the hourly maintenance does.
  async maintain(): Promise<void> {
    await this.ensurePartitions();
    const deleted: { n: string }[] = await this.dataSource.query(
      `WITH a AS (DELETE FROM event_inbox WHERE state = 'processed' AND received_at < now() - $1::interval RETURNING 1),
            b AS (DELETE FROM event_inbox WHERE state = 'failed' AND received_at < now() - $2::interval RETURNING 1),
            c AS (DELETE FROM invalid_event WHERE received_at < now() - $3::interval RETURNING 1),
            d AS (DELETE FROM event_rate WHERE minute < now() - $4::interval RETURNING 1)
       SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM c) + (SELECT count(*) FROM d) AS n`,
      [INBOX_RETENTION, FAILED_RETENTION, INVALID_RETENTION, RATE_RETENTION],
    );
    const n = Number(deleted[0].n);
    if (n > 0) this.logger.log(`retention: deleted ${n} row(s)`);
  }
}
