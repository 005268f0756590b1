import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { queryNamed, queryPrepared } from '../../database/pg-pool';
import { inTransaction } from '../../database/transaction';
import { FeedPublisher } from '../../feed/feed-publisher.service';
import { recordedChanges } from '../../feed/feed-recorder';
import { activeIdentityRules, identityPaths } from '../../identity/config/identity-rules';
import { IdentityService } from '../../identity/identity.service';
import { IdentityResolver } from '../../identity/resolve/identity-resolver.service';
import { eventBatchStage, eventsProcessed } from '../event-metrics';
import { EventTraitMap, EventTraitMapService } from '../event-traits/event-trait-map.service';
import { MessageType } from '../ingest/limits';
import { plannedEventFor } from '../plan/tracking-plan';
import { TrackingPlanService } from '../plan/tracking-plan.service';
import { isTransient } from '../transient-error';
import * as SQL from './drain.sql';
import { EventTraitWrites } from './event-trait-writes.service';
import { PendingRow, ResolvedMessage, resolvedMessage, timedMessage } from './inbox-message';
import type { ShardFence } from './shard-leases';

const BATCH = 1000;
// Batches per drain: a drain stays short, so the shards of a process take turns.
const MAX_BATCHES_PER_DRAIN = 10;
// Reads of the batch's current profiles when concurrent merges keep moving them (then the events
// go to the profiles of the last read, as they would have a moment earlier).
const MAX_PROFILE_READS = 3;
// Where a drain's first batch starts reading its shard's queue.
const QUEUE_START = '-9223372036854775808';

interface LockedProfile {
  id: string;
  revision: string;
}

export interface DrainResult {
  processed: number;
  failed: number;
  more: boolean;
}

// Applies a shard's inbox rows in inbox order: the identities each message shows together →
// profiles (identity resolution: links and merges by the identity rules), identify traits through
// the trait write path, then, in one transaction, the `events` rows on the profiles their
// identities are on, the messages off the shard's queue (event_inbox_pending) and rates.
// Every step is idempotent, so a batch re-run after a crash changes nothing twice. A message that
// cannot be applied is marked failed with the reason and the rest go on (never blocking the shard).
@Injectable()
export class EventApplier {
  private readonly logger = new Logger(EventApplier.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly traitWrites: EventTraitWrites,
    private readonly traitMap: EventTraitMapService,
    private readonly plans: TrackingPlanService,
    private readonly identities: IdentityResolver,
    private readonly identityLookup: IdentityService,
    private readonly feed: FeedPublisher,
  ) {}

  // At most MAX_BATCHES_PER_DRAIN batches of a shard this process leases; `more` says the shard
  // still has rows. Stops between batches once the lease is gone, and each batch commits only if
  // the lease is still held then (the fence), so two processes never apply one shard's messages.
  // Every row of a batch leaves the queue (applied or failed), so the next batch reads after the
  // batch's last id. A message whose ingestion committed late with a lower id is read by the
  // shard's next drain (signalled by its ingestion, or found by the next lease tick).
  async drain(shard: number, fence: ShardFence): Promise<DrainResult> {
    const total: DrainResult = { processed: 0, failed: 0, more: false };
    let after = QUEUE_START;
    for (let batch = 0; fence.holds(); batch++) {
      if (batch === MAX_BATCHES_PER_DRAIN) {
        total.more = true;
        break;
      }
      const map = await this.traitMap.get();
      const rows: PendingRow[] = await timed('fetch', () =>
        queryPrepared<PendingRow>(this.dataSource, 'event-fetch-pending', SQL.FETCH_PENDING, [
          shard,
          BATCH,
          [...map.track.keys()],
          identityPaths(activeIdentityRules()).map((p) => p.path),
          after,
        ]),
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const result = await this.applyIsolatingPoison(shard, rows, map, fence);
      total.processed += result.processed;
      total.failed += result.failed;
      if (rows.length < BATCH) break;
    }
    return total;
  }

  // A batch that fails for a reason other than the database is retried message by message, so
  // the one bad message is found and set aside.
  private async applyIsolatingPoison(
    shard: number,
    rows: PendingRow[],
    map: EventTraitMap,
    fence: ShardFence,
  ): Promise<DrainResult> {
    try {
      return await this.apply(shard, rows, map, fence);
    } catch (err) {
      if (isTransient(err) || err instanceof LeaseLost) throw err;
      // The error's text may quote message data: only its code goes to the log.
      this.logger.warn(
        `shard ${shard}: batch of ${rows.length} failed (${errorCode(err)}), applying one by one`,
      );
    }
    const total: DrainResult = { processed: 0, failed: 0, more: false };
    for (const row of rows) {
      try {
        const r = await this.apply(shard, [row], map, fence);
        total.processed += r.processed;
        total.failed += r.failed;
      } catch (err) {
        if (isTransient(err) || err instanceof LeaseLost) throw err;
        await this.dataSource.query(SQL.MARK_FAILED, [
          shard,
          [row.id],
          [`processing: ${errorText(err)}`],
        ]);
        eventsProcessed.inc({ outcome: 'failed' });
        total.failed += 1;
      }
    }
    return total;
  }

  private async apply(
    shard: number,
    rows: PendingRow[],
    map: EventTraitMap,
    fence: ShardFence,
  ): Promise<DrainResult> {
    // Identity rules are read once at start, so these are the types of the paths fetched.
    const pathTypes = identityPaths(activeIdentityRules()).map((p) => p.type);
    const messages = await Promise.all(
      rows.map(async (row) => timedMessage(row, await this.previousIdType(row), pathTypes)),
    );
    const observed = await timed('identities', () =>
      this.identities.observeMany(
        messages.map((m) => ({
          identities: m.observed,
          cause: { kind: 'event', ref: m.row.message_id, at: m.time },
        })),
      ),
    );
    const ok: ResolvedMessage[] = [];
    const poison: { id: string; reason: string }[] = [];
    messages.forEach((m, i) => {
      const resolved = resolvedMessage(m, observed[i]);
      if (typeof resolved === 'string') poison.push({ id: m.row.id, reason: resolved });
      else ok.push(resolved);
    });
    await timed('traits', () => this.traitWrites.write(ok, map));
    const pending = await timed('commit', () => this.commit(shard, ok, poison, fence));
    this.feed.announce(pending);
    eventsProcessed.inc({ outcome: 'processed' }, ok.length);
    if (poison.length > 0) eventsProcessed.inc({ outcome: 'failed' }, poison.length);
    return { processed: ok.length, failed: poison.length, more: false };
  }

  // In one transaction, only while the lease is held: the `events` rows (each also a change on
  // the feed), the messages off the queue (failed ones with their reason) and the arrival rates.
  private commit(
    shard: number,
    ok: ResolvedMessage[],
    poison: { id: string; reason: string }[],
    fence: ShardFence,
  ) {
    return inTransaction(this.dataSource, async (client) => {
      const held = await client.query<{ held: boolean }>(fence.sql, fence.params);
      if (!held.rows[0].held) throw new LeaseLost(shard);
      const profiles = await this.lockCurrentProfiles(client, ok);
      const { rows } = await queryNamed<{ recorded: number }>(
        client,
        'event-insert',
        SQL.INSERT_EVENTS,
        [
          ok.map((m) => m.row.id),
          ok.map((m) => m.time),
          ok.map((m) => m.profileId),
          ok.map((m) => m.identity.type),
          ok.map((m) => m.identity.value),
          profiles.map((p) => p.id),
          profiles.map((p) => p.revision),
        ],
      );
      await queryNamed(client, 'event-mark-processed', SQL.MARK_PROCESSED, [
        shard,
        ok.map((m) => m.row.id),
      ]);
      if (poison.length > 0) {
        await client.query(SQL.MARK_FAILED, [
          shard,
          poison.map((p) => p.id),
          poison.map((p) => p.reason),
        ]);
      }
      const rates = this.rates(ok);
      if (rates.keys.length > 0) {
        await queryNamed(client, 'event-add-rates', SQL.ADD_RATES, [
          rates.keys,
          rates.minutes,
          rates.counts,
          shard,
        ]);
      }
      return recordedChanges(client, rows[0].recorded);
    });
  }

  // Each message's events row goes to the profile its identity is on as the batch commits (a later
  // message of the batch, or a batch of another shard, may have merged the one it resolved to
  // away): read in the batch's transaction, then share-locked; a profile merged away between the
  // two is read again. Returns the locked profiles with their revisions.
  private async lockCurrentProfiles(
    client: PoolClient,
    messages: ResolvedMessage[],
  ): Promise<LockedProfile[]> {
    if (messages.length === 0) return [];
    const key = (i: { type: string; value: string }) => `${i.type}\u0000${i.value}`;
    const identities = [...new Map(messages.map((m) => [key(m.identity), m.identity])).values()];
    for (let attempt = 1; ; attempt++) {
      const current = await queryNamed<{
        type: string;
        value: string;
        profile_id: string | null;
      }>(client, 'event-current-profiles', SQL.CURRENT_PROFILES, [
        identities.map((i) => i.type),
        identities.map((i) => i.value),
      ]);
      const profileOf = new Map(current.rows.map((r) => [key(r), r.profile_id]));
      for (const m of messages) m.profileId = profileOf.get(key(m.identity)) ?? m.profileId;
      const locked = await queryNamed<LockedProfile & { merged_into: string | null }>(
        client,
        'event-lock-profiles',
        SQL.LOCK_PROFILES_SHARED,
        [[...new Set(messages.map((m) => m.profileId))]],
      );
      if (attempt === MAX_PROFILE_READS || locked.rows.every((p) => p.merged_into === null))
        return locked.rows;
    }
  }

  // An alias's previousId is whatever the user was known by: a user_id when one exists, else an
  // anonymous_id (what analytics.js sends by default).
  private async previousIdType(row: PendingRow): Promise<string> {
    if (row.type !== 'alias' || row.previous_id === null) return 'anonymous_id';
    const known = await this.identityLookup
      .profileIdOf('user_id', row.previous_id)
      .catch(() => null);
    return known ? 'user_id' : 'anonymous_id';
  }

  // Arrivals per planned event and minute, for silence detection.
  private rates(messages: ResolvedMessage[]): {
    keys: string[];
    minutes: Date[];
    counts: number[];
  } {
    const plan = this.plans.current();
    const counts = new Map<string, { key: string; minute: Date; count: number }>();
    for (const m of messages) {
      if (m.row.schema_version === null) continue;
      const planned = plannedEventFor(plan, m.row.type as MessageType, m.row.event);
      if (!planned) continue;
      const minute = new Date(Math.floor(new Date(m.row.received_at).getTime() / 60_000) * 60_000);
      const id = `${planned.key}@${minute.getTime()}`;
      const entry = counts.get(id) ?? { key: planned.key, minute, count: 0 };
      entry.count += 1;
      counts.set(id, entry);
    }
    const list = [...counts.values()];
    return {
      keys: list.map((e) => e.key),
      minutes: list.map((e) => e.minute),
      counts: list.map((e) => e.count),
    };
  }
}

// The shard's lease went to another process while a batch was applied: nothing of the batch's
// events and queue deletions is committed here; the new holder applies them.
export class LeaseLost extends Error {
  constructor(shard: number) {
    super(`shard ${shard}: lease lost`);
    this.name = 'LeaseLost';
  }
}

async function timed<T>(stage: string, step: () => Promise<T>): Promise<T> {
  const end = eventBatchStage.startTimer({ stage });
  try {
    return await step();
  } finally {
    end();
  }
}

export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'error';
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}
