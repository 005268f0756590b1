import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { inTransaction } from '../../database/transaction';
import { FeedPublisher } from '../../feed/feed-publisher.service';
import { recordChanges } from '../../feed/feed-recorder';
import type { PendingBatch } from '../../feed/live-batch';
import { unmergeRecord } from '../changes/identity-feed';
import { RetryableConflict, withRetry } from '../concurrency/retry';
import { IDENTITY_BEGIN } from '../concurrency/transaction';
import { IdentityRulesService } from '../config/identity-rules.service';
import { identityKey, PreparedIdentity, prepareObservation } from '../engine/prepare-observation';
import { compareEvents, replay, ReplayEvent } from '../engine/replay';
import type { IdentityRefOut, ObservationCause } from '../resolve/observation.types';
import { applySplit, ScopeRow } from './apply-split';
import { assignGroups } from './split-assignment';
import * as SQL from './unmerge.sql';

export interface UnmergeResult {
  identity: IdentityRefOut;
  // The profile the identity is on now, and the one it was split from.
  profileId: string;
  previousProfileId: string;
  // Every profile whose identities changed.
  profileIds: string[];
}

interface LockedProfile {
  id: string;
  created_at: Date;
  revision: string;
}

const MAX_LOCK_ROUNDS = 8;

const sameScope = (a: ScopeRow[], b: ScopeRow[]) =>
  a.length === b.length &&
  a.every(
    (r, i) => r.type === b[i].type && r.value === b[i].value && r.profile_id === b[i].profile_id,
  );

// unmergeIdentity (docs/identity.md, "Unmerge"): replays the links of the identity's scope with the
// identity taken out of every link, and applies the partition that results — identities, and the
// values and events that arrived through them, move; timelines and current values are rebuilt.
@Injectable()
export class UnmergeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rules: IdentityRulesService,
    private readonly feed: FeedPublisher,
  ) {}

  async unmerge(identity: IdentityRefOut, cause: ObservationCause): Promise<UnmergeResult> {
    const { identities, dropped } = prepareObservation([identity], this.rules.rules);
    if (identities.length !== 1)
      throw new DomainError(ErrorCode.INVALID_INPUT, `identity: ${dropped[0]?.reason}`);
    const x = identities[0];
    const { result, pending } = await withRetry(() =>
      inTransaction(this.db, (client) => this.split(client, x, cause), IDENTITY_BEGIN),
    );
    this.feed.announce(pending);
    return result;
  }

  // Locks every profile of the scope. Writers may grow the scope while we wait for a lock: then
  // the newcomers are locked too (still holding the first ones), a few rounds at most.
  private async lockScope(
    client: PoolClient,
    x: PreparedIdentity,
  ): Promise<{ scope: ScopeRow[]; locked: LockedProfile[] }> {
    const scopeOf = async () =>
      (await client.query<ScopeRow>(SQL.SCOPE_OF_IDENTITY, [x.type, x.value])).rows;
    let scope = await scopeOf();
    if (scope.length === 0) {
      throw new DomainError(
        ErrorCode.PROFILE_NOT_FOUND,
        `no profile has the identity ${x.type}:${x.value}`,
      );
    }
    const locked = new Map<string, LockedProfile>();
    for (let round = 1; ; round++) {
      const pending = [...new Set(scope.map((r) => r.profile_id))].filter((id) => !locked.has(id));
      const rows = (await client.query<LockedProfile>(SQL.LOCK_PROFILES, [pending])).rows;
      rows.forEach((r) => locked.set(r.id, r));
      const again = await scopeOf();
      if (sameScope(scope, again)) return { scope, locked: [...locked.values()] };
      if (round >= MAX_LOCK_ROUNDS) {
        throw new RetryableConflict('the unmerge scope kept changing while it was being locked');
      }
      scope = again;
    }
  }

  private async split(
    client: PoolClient,
    x: PreparedIdentity,
    cause: ObservationCause,
  ): Promise<{ result: UnmergeResult; pending: PendingBatch | null }> {
    const { scope, locked } = await this.lockScope(client, x);

    const current = new Map(scope.map((r) => [identityKey(r.type, r.value), r.profile_id]));
    const links = await client.query<{
      position: string;
      forced: boolean;
      types: string[];
      values: string[];
    }>(SQL.LINKS_OF, [scope.map((r) => r.type), scope.map((r) => r.value)]);
    // The scope's log with the identity taken out of every link (it stays, alone, at its first sighting).
    const events: ReplayEvent[] = [
      ...scope.map((r): ReplayEvent => ({
        at: BigInt(r.seq),
        kind: 'identity',
        type: r.type,
        value: r.value,
      })),
      ...links.rows.map((l): ReplayEvent => ({
        at: BigInt(l.position),
        kind: 'link',
        forced: l.forced,
        members: l.types
          .map((type, i) => ({ type, value: l.values[i] }))
          .filter(
            (m) =>
              current.has(identityKey(m.type, m.value)) && identityKey(m.type, m.value) !== x.key,
          ),
      })),
    ].sort(compareEvents);
    const replayed = replay(events, this.rules.rules);
    const groups = [...replayed.state.groups().values()];
    const previousProfileId = current.get(x.key)!;
    const alone = scope.every(
      (r) => r.profile_id !== previousProfileId || identityKey(r.type, r.value) === x.key,
    );
    if (alone && groups.some((g) => g.length === 1 && g[0] === x.key)) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `identity ${x.type}:${x.value} is alone on its profile: nothing to unmerge`,
      );
    }
    const assignment = assignGroups({
      groups,
      current,
      createdAt: new Map(locked.map((r) => [r.id, r.created_at])),
      splitKey: x.key,
    });
    const target = groups.map((_, i) => assignment.kept[i] ?? randomUUID());
    const floor = locked.reduce(
      (max, r) => (BigInt(r.revision) > max ? BigInt(r.revision) : max),
      0n,
    );
    const applied = await applySplit(client, {
      scope,
      groups,
      target,
      created: target.filter((_, i) => assignment.kept[i] === null),
      dissolved: [...assignment.dissolved].map(([p, g]) => ({ from: p, into: target[g] })),
      revision: (floor + 1n).toString(),
      split: x,
      cause,
    });
    const profileId = target[groups.findIndex((g) => g.includes(x.key))];
    return {
      result: {
        identity: { type: x.type, value: x.value },
        profileId,
        previousProfileId,
        profileIds: applied.touched,
      },
      pending: await recordChanges(
        client,
        applied.touched.map((id) => unmergeRecord(id, floor + 1n, previousProfileId, cause)),
      ),
    };
  }
}
