import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { inTransaction } from '../../database/transaction';
import { FeedPublisher } from '../../feed/feed-publisher.service';
import { recordChanges } from '../../feed/feed-recorder';
import { identityLockKeys, RetryableConflict } from '../concurrency/retry';
import { IDENTITY_BEGIN } from '../concurrency/transaction';
import { PartitionState } from '../engine/partition-state';
import { identityKey, PreparedIdentity } from '../engine/prepare-observation';
import { applyPlan } from './apply-plan';
import type { BatchPlan } from './batch-plan';
import * as SQL from './resolution.sql';

// Above this many identities a transaction does not take one advisory lock per identity (the
// shared lock table is small); it relies on the profile locks and the re-read below instead.
const ADVISORY_LOCK_MAX = 64;

export type Planner = (state: PartitionState, now: Date) => BatchPlan;

interface StateRow {
  kind: 'i' | 'c' | 'r';
  type: string | null;
  value: string | null;
  profile_id: string | null;
  n: number | null;
  // When an identity ('i') was last seen, epoch milliseconds.
  seen_ms: number | null;
}

interface LockRow {
  kind: 'l' | 's';
  id: string | null;
  value: string | null;
}

// What READ_STATE found, ready for the rule engine.
interface ReadState {
  state: PartitionState;
  revisions: Map<string, bigint>;
  lastSeen: Map<string, number>;
}

// One resolution transaction (docs/identity.md, "Concurrency"), in as few round trips as it takes:
// BEGIN with advisory locks on the identities (sorted); where the identities are, the counts and
// revisions of their profiles; those profiles locked in id order with replay positions drawn —
// when a revision moved since the read, the state is read again under the locks, and an identity
// that is now on a profile we do not hold means RetryableConflict (the caller runs it again); the
// planner decides on that state; the plan is applied and its changes recorded on the feed; COMMIT;
// the changes are announced.
@Injectable()
export class ResolutionRunner {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly feed: FeedPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    identities: readonly PreparedIdentity[],
    observations: number,
    planner: Planner,
  ): Promise<BatchPlan> {
    const unique = new Map<string, PreparedIdentity>();
    for (const i of identities) if (!unique.has(i.key)) unique.set(i.key, i);
    // The keys are decimal integers we computed: safe to send inline, in the same round trip as BEGIN.
    const keys =
      unique.size <= ADVISORY_LOCK_MAX
        ? identityLockKeys(this.config.databaseSchema, unique.keys())
        : [];
    const begin =
      keys.length > 0
        ? `${IDENTITY_BEGIN}; SELECT pg_advisory_xact_lock(k) FROM unnest('{${keys.join(',')}}'::bigint[]) AS k`
        : IDENTITY_BEGIN;
    const { plan, pending } = await inTransaction(
      this.db,
      (client) => this.resolve(client, [...unique.values()], observations, planner),
      begin,
    );
    this.feed.announce(pending);
    return plan;
  }

  private async resolve(
    client: PoolClient,
    identities: readonly PreparedIdentity[],
    observations: number,
    planner: Planner,
  ) {
    const json = JSON.stringify(identities, ['type', 'value']);
    const readState = async () =>
      toReadState((await client.query<StateRow>(SQL.READ_STATE, [json])).rows);
    let read = await readState();
    const lockRows = (
      await client.query<LockRow>(SQL.LOCK_PROFILES, [[...read.revisions.keys()], observations])
    ).rows;
    const locked = new Map<string, bigint>();
    let seqs: string[] = [];
    for (const row of lockRows) {
      if (row.kind === 's') seqs = row.value?.split(',') ?? [];
      else locked.set(row.id!, BigInt(row.value!));
    }
    // Every change of a profile's identities bumps its revision: unchanged revisions mean what
    // was read still holds. Otherwise read again, now that the profiles are held.
    if (![...read.revisions].every(([id, revision]) => locked.get(id) === revision)) {
      read = await readState();
      if (![...read.revisions.keys()].every((id) => locked.has(id)))
        throw new RetryableConflict('an identity moved while its profiles were being locked');
    }
    const now = new Date();
    const plan = planner(read.state, now);
    // A sighting within a minute of the recorded one would write nothing: not sent at all.
    plan.seen = plan.seen.filter(
      (s) =>
        s.at.getTime() - SQL.SIGHTING_RESOLUTION_MS >
        (read.lastSeen.get(identityKey(s.type, s.value)) ?? -Infinity),
    );
    const changes = await applyPlan(client, plan, { revisions: locked, seqs, now });
    return { plan, pending: await recordChanges(client, changes) };
  }
}

function toReadState(rows: readonly StateRow[]): ReadState {
  const state = new PartitionState(randomUUID);
  const revisions = new Map<string, bigint>();
  const lastSeen = new Map<string, number>();
  for (const row of rows) {
    if (row.kind === 'r') revisions.set(row.profile_id!, BigInt(row.value!));
    else if (row.kind === 'c') state.setCount(row.profile_id!, row.type!, row.n!);
    else {
      const key = identityKey(row.type!, row.value!);
      state.setOwner(key, row.profile_id!);
      lastSeen.set(key, row.seen_ms!);
    }
  }
  return { state, revisions, lastSeen };
}
