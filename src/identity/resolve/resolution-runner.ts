import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { CUSTOM_PLANS, GENERIC_PLANS, queryNamed } from '../../database/pg-pool';
import { inTransaction } from '../../database/transaction';
import {
  hashIdentity,
  suppressedHashes,
  suppressedOfInline,
  suppressionQuery,
} from '../../erasure/suppression';
import { FeedPublisher } from '../../feed/feed-publisher.service';
import { identityLockKeys, RetryableConflict } from '../concurrency/retry';
import { IDENTITY_BEGIN } from '../concurrency/transaction';
import { PartitionState } from '../engine/partition-state';
import { identityKey, PreparedIdentity } from '../engine/prepare-observation';
import { applyPlan } from './apply-plan';
import type { BatchPlan } from './batch-plan';
import * as SQL from './resolution.sql';

// Above this many identities a transaction does not take one advisory lock per identity (the
// shared lock table is small); it relies on the profile locks and the re-read below instead, and
// looks at the suppression list with a statement of its own.
const ADVISORY_LOCK_MAX = 64;

// The statements are named (prepared once per connection): a transaction of a few identities runs
// one generic plan (GENERIC_PLANS: the read-and-lock statement's bind 0.33 → 0.07 ms at p50 in the
// statement log); a large batch's plans depend on how much it holds (generic ones made observeMany
// 10–15% slower), so it has them made for itself (CUSTOM_PLANS).

// Decides on the state read under the locks; `erased` holds the keys of the batch's identities
// whose person was erased (on the suppression list).
export type Planner = (state: PartitionState, now: Date, erased: ReadonlySet<string>) => BatchPlan;

interface StateRow {
  kind: 'i' | 'c' | 'r' | 'l' | 's';
  type: string | null;
  value: string | null;
  profile_id: string | null;
  n: number | null;
  // When an identity ('i') was last seen, epoch milliseconds.
  seen_ms: number | null;
}

// What READ_AND_LOCK (or READ_STATE) found, ready for the rule engine.
interface ReadState {
  state: PartitionState;
  // The profiles' revisions in the statement's snapshot.
  revisions: Map<string, bigint>;
  lastSeen: Map<string, number>;
  // The profiles locked, with their revisions as locked (READ_AND_LOCK only).
  locked: Map<string, bigint>;
  seqs: string[];
}

// One resolution transaction (docs/identity.md, "Concurrency"), in as few round trips as it takes:
// BEGIN with advisory locks on the identities (sorted) and the suppression list's look at them;
// where the identities are, the counts and revisions of their profiles, and those profiles locked
// in id order with replay positions drawn, in one statement — when a revision moved between the
// statement's snapshot and its lock, the state is read again under the locks, and an identity
// that is now on a profile we do not hold means RetryableConflict (the caller runs it again); the
// planner decides on that state; the plan is applied, its changes recorded on the feed by the same
// statement (applyPlan); COMMIT; the changes are announced.
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
    const byHash = new Map<string, string>();
    for (const i of unique.values()) byHash.set(hashIdentity(i.type, i.value), i.key);
    // Few identities: their locks and the suppression look go with BEGIN. The keys are decimal
    // integers and the hashes hex digests we computed: safe to send inline.
    const inline = unique.size <= ADVISORY_LOCK_MAX;
    const begin = inline
      ? [
          IDENTITY_BEGIN,
          GENERIC_PLANS,
          `SELECT pg_advisory_xact_lock(k) FROM unnest('{${identityLockKeys(this.config.databaseSchema, unique.keys()).join(',')}}'::bigint[]) AS k`,
          suppressedOfInline([...byHash.keys()]),
        ].join('; ')
      : `${IDENTITY_BEGIN}; ${CUSTOM_PLANS}`;
    const { plan, pending } = await inTransaction(
      this.db,
      async (client, began) => {
        const suppressed = inline
          ? new Set(began.last<{ hash: string }>().map((r) => r.hash))
          : await suppressedHashes(suppressionQuery(client), byHash.keys());
        const erased = new Set([...suppressed].map((h) => byHash.get(h)!));
        return this.resolve(client, [...unique.values()], observations, (state, now) =>
          planner(state, now, erased),
        );
      },
      begin,
    );
    this.feed.announce(pending);
    return plan;
  }

  private async resolve(
    client: PoolClient,
    identities: readonly PreparedIdentity[],
    observations: number,
    planner: (state: PartitionState, now: Date) => BatchPlan,
  ) {
    const json = JSON.stringify(identities, ['type', 'value']);
    let read = toReadState(
      (
        await queryNamed<StateRow>(client, 'identity-read-and-lock', SQL.READ_AND_LOCK, [
          json,
          observations,
        ])
      ).rows,
    );
    const { locked, seqs } = read;
    // Every change of a profile's identities bumps its revision: unchanged revisions mean what
    // was read still holds. Otherwise read again, now that the profiles are held.
    if (![...read.revisions].every(([id, revision]) => locked.get(id) === revision)) {
      read = toReadState(
        (await queryNamed<StateRow>(client, 'identity-read-state', SQL.READ_STATE, [json])).rows,
      );
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
    return { plan, pending: await applyPlan(client, plan, { revisions: locked, seqs, now }) };
  }
}

function toReadState(rows: readonly StateRow[]): ReadState {
  const state = new PartitionState(randomUUID);
  const revisions = new Map<string, bigint>();
  const lastSeen = new Map<string, number>();
  const locked = new Map<string, bigint>();
  let seqs: string[] = [];
  for (const row of rows) {
    if (row.kind === 'r') revisions.set(row.profile_id!, BigInt(row.value!));
    else if (row.kind === 'l') locked.set(row.profile_id!, BigInt(row.value!));
    else if (row.kind === 's') seqs = row.value?.split(',') ?? [];
    else if (row.kind === 'c') state.setCount(row.profile_id!, row.type!, row.n!);
    else {
      const key = identityKey(row.type!, row.value!);
      state.setOwner(key, row.profile_id!);
      lastSeen.set(key, row.seen_ms!);
    }
  }
  return { state, revisions, lastSeen, locked, seqs };
}
