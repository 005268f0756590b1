import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { IdentityChangesPublisher } from '../changes/identity-changes.publisher';
import { identityLockKeys, RetryableConflict } from '../concurrency/retry';
import { PartitionState } from '../engine/partition-state';
import { identityKey } from '../engine/prepare-observation';
import { applyPlan } from './apply-plan';
import type { BatchPlan } from './batch-plan';
import * as SQL from './resolution.sql';

// Above this many identities a transaction does not take one advisory lock per identity (the
// shared lock table is small); it relies on the profile locks and the re-read below instead.
const ADVISORY_LOCK_MAX = 64;

export type Planner = (state: PartitionState, now: Date) => BatchPlan;

interface StateRow {
  kind: 'i' | 'c' | 's';
  type: string | null;
  value: string | null;
  profile_id: string | null;
  n: number | null;
}

// One resolution transaction (docs/identity.md, "Concurrency"), in as few round trips as it takes:
// BEGIN with advisory locks on the identities (sorted); the profiles they are on locked in id
// order; the identities re-read with the profiles' counts and the replay positions — an identity
// that moved to a profile we do not hold means RetryableConflict, and the caller runs it again;
// the planner decides on that state; the plan is applied; COMMIT. Changes are published after.
@Injectable()
export class ResolutionRunner {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: IdentityChangesPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    identities: readonly { type: string; value: string }[],
    observations: number,
    planner: Planner,
  ): Promise<BatchPlan> {
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      const { plan, changes } = await this.resolve(client, identities, observations, planner);
      await client.query('COMMIT');
      void this.publisher.publish(changes);
      return plan;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  private async resolve(
    client: PoolClient,
    identities: readonly { type: string; value: string }[],
    observations: number,
    planner: Planner,
  ) {
    const byKey = new Map(identities.map((i) => [identityKey(i.type, i.value), i]));
    const types = [...byKey.values()].map((i) => i.type);
    const values = [...byKey.values()].map((i) => i.value);
    // The keys are decimal integers we computed: safe to send inline, in the same round trip as BEGIN.
    const keys =
      byKey.size <= ADVISORY_LOCK_MAX
        ? identityLockKeys(this.config.databaseSchema, byKey.keys())
        : [];
    await client.query(
      keys.length > 0
        ? `BEGIN; SELECT pg_advisory_xact_lock(k) FROM unnest('{${keys.join(',')}}'::bigint[]) AS k`
        : 'BEGIN',
    );
    const locked = await client.query<{ id: string; revision: string }>(
      SQL.LOCK_PROFILES_OF_IDENTITIES,
      [types, values],
    );
    const revisions = new Map(locked.rows.map((r) => [r.id, BigInt(r.revision)]));
    const rows = (
      await client.query<StateRow>(SQL.READ_STATE, [
        types,
        values,
        [...revisions.keys()],
        observations,
      ])
    ).rows;
    const now = new Date();
    const state = new PartitionState(randomUUID);
    const seqs: string[] = [];
    for (const row of rows) {
      if (row.kind === 's') seqs.push(row.value!);
      else if (row.kind === 'c') state.setCount(row.profile_id!, row.type!, row.n!);
      else if (!revisions.has(row.profile_id!))
        throw new RetryableConflict('an identity moved while its profiles were being locked');
      else state.setOwner(identityKey(row.type!, row.value!), row.profile_id!);
    }
    seqs.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const plan = planner(state, now);
    return { plan, changes: await applyPlan(client, plan, { revisions, seqs, now }) };
  }
}
