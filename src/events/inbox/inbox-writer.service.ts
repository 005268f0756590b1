import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { eventsDuplicate } from '../event-metrics';
import { ShardSignaller } from '../processing/shard-signaller.service';
import { isTransient } from '../transient-error';
import { inboxParams, InboxRow, InvalidRow } from './inbox-rows';
import { WRITE_INBOX } from './inbox.sql';

// Ingest has its own small pool, so acknowledging events never waits behind a worker's transaction.
const POOL_SIZE = 4;
// Rows per statement when requests pile up; one request's messages are never split.
const MAX_FLUSH_ROWS = 5000;
// Queued rows that justify a second statement while one is in flight.
const PARALLEL_FLUSH_MIN_ROWS = 500;
// Rows waiting for a connection beyond this are refused with a 503 (the SDKs retry) rather than
// piling up in memory while the database is slow.
const MAX_QUEUED_ROWS = 50_000;

interface Pending {
  rows: InboxRow[];
  invalid: InvalidRow[];
  done: (err?: Error) => void;
}

// Durable acceptance with group commit: concurrent requests are written by one statement (one
// commit) whenever a connection is free, so a burst of single-event requests costs a few commits,
// not one each. A request's promise resolves only after its rows are committed.
@Injectable()
export class InboxWriter implements OnApplicationShutdown {
  private readonly pool: Pool;
  private queue: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly signaller: ShardSignaller,
  ) {
    this.pool = new Pool({
      connectionString: config.databaseUrl,
      max: POOL_SIZE,
      options: `-c search_path=${config.databaseSchema}`,
    });
    // An idle client's error (e.g. Postgres restarting) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  write(rows: InboxRow[], invalid: InvalidRow[]): Promise<void> {
    if (rows.length === 0 && invalid.length === 0) return Promise.resolve();
    if (this.queuedRows + rows.length + invalid.length > MAX_QUEUED_ROWS) {
      return Promise.reject(
        new DomainError(
          ErrorCode.UNAVAILABLE,
          'ingestion is overloaded; nothing was stored, retry',
        ),
      );
    }
    this.queuedRows += rows.length + invalid.length;
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, invalid, done: (err) => (err ? reject(err) : resolve()) });
      this.kick();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  private kick(): void {
    while (this.inFlight < POOL_SIZE && this.queue.length > 0) {
      // A few rows wait for the flush under way and join the next one: a commit per handful of
      // single-event requests costs more than the wait. Large batches use the connections at once.
      if (this.inFlight > 0 && this.queuedRows < PARALLEL_FLUSH_MIN_ROWS) return;
      const batch = this.take();
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.kick();
      });
    }
  }

  private take(): Pending[] {
    let rows = 0;
    let n = 0;
    while (
      n < this.queue.length &&
      (n === 0 || rows + this.queue[n].rows.length <= MAX_FLUSH_ROWS)
    ) {
      rows += this.queue[n].rows.length + this.queue[n].invalid.length;
      n += 1;
    }
    this.queuedRows -= rows;
    return this.queue.splice(0, n);
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      await this.insert(batch);
      batch.forEach((p) => p.done());
    } catch (err) {
      // One request's data must not fail the others it shared a statement with: unless the
      // database itself is failing, each request is written again on its own.
      if (batch.length > 1 && !isTransient(err)) return this.flushEach(batch);
      // The database is down or overloaded: nothing was acknowledged, the client should retry.
      const error = isTransient(err)
        ? new DomainError(
            ErrorCode.UNAVAILABLE,
            'the event inbox is unavailable; nothing was stored, retry',
          )
        : err instanceof Error
          ? err
          : new Error(String(err));
      batch.forEach((p) => p.done(error));
    }
  }

  private async flushEach(batch: Pending[]): Promise<void> {
    for (const pending of batch) await this.flush([pending]);
  }

  private async insert(batch: Pending[]): Promise<void> {
    const rows = batch.flatMap((p) => p.rows);
    const invalid = batch.flatMap((p) => p.invalid);
    // Named, so each connection parses and plans the statement once, not on every flush.
    const res = await this.pool.query<{ shard: number; n: number }>({
      name: 'tb_write_inbox',
      text: WRITE_INBOX,
      values: inboxParams(rows, invalid),
    });
    const inserted = res.rows.reduce((sum, r) => sum + r.n, 0);
    if (inserted < rows.length) eventsDuplicate.inc(rows.length - inserted);
    this.signaller.signal(res.rows.map((r) => r.shard));
  }
}
