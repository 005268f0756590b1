import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { withRetry } from '../concurrency/retry';
import { IdentityRulesService } from '../config/identity-rules.service';
import { firstBreach } from '../engine/apply-observation';
import type { PartitionState } from '../engine/partition-state';
import { PreparedIdentity, prepareObservation } from '../engine/prepare-observation';
import type { BatchPlan } from '../resolve/batch-plan';
import { linkOf } from '../resolve/link-hash';
import type { IdentityRefOut, ObservationCause } from '../resolve/observation.types';
import { ResolutionRunner } from '../resolve/resolution-runner';

export interface ManualMergeResult {
  profileId: string;
  mergedProfileId: string;
  forced: boolean;
}

const ref = (i: PreparedIdentity): IdentityRefOut => ({ type: i.type, value: i.value });

// mergeProfiles: an admin says two identities are one person. The profile of `into` survives.
// Limits still apply unless `force` (then the link is stored as forced and replays ignore limits too).
@Injectable()
export class ManualMergeService {
  constructor(
    private readonly rules: IdentityRulesService,
    private readonly runner: ResolutionRunner,
  ) {}

  async merge(
    intoRef: IdentityRefOut,
    fromRef: IdentityRefOut,
    force: boolean,
    cause: ObservationCause,
  ): Promise<ManualMergeResult> {
    const into = this.prepare(intoRef, 'into');
    const from = this.prepare(fromRef, 'from');
    const plan = await withRetry(() =>
      this.runner.run([into, from], 1, (state, now) =>
        this.plan(state, into, from, force, cause, now),
      ),
    );
    const [m] = plan.merges;
    return { profileId: m.into, mergedProfileId: m.from, forced: force };
  }

  private prepare(identity: IdentityRefOut, field: string): PreparedIdentity {
    const { identities, dropped } = prepareObservation([identity], this.rules.rules);
    if (identities.length === 1) return identities[0];
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `${field}: ${dropped[0]?.reason ?? 'not an identity'}`,
    );
  }

  private plan(
    state: PartitionState,
    into: PreparedIdentity,
    from: PreparedIdentity,
    force: boolean,
    cause: ObservationCause,
    now: Date,
  ): BatchPlan {
    const target = state.profileOf(into.key);
    const other = state.profileOf(from.key);
    if (!target)
      throw new DomainError(
        ErrorCode.PROFILE_NOT_FOUND,
        `into: no profile has the identity ${into.type}:${into.value}`,
      );
    if (!other)
      throw new DomainError(
        ErrorCode.PROFILE_NOT_FOUND,
        `from: no profile has the identity ${from.type}:${from.value}`,
      );
    if (target === other)
      throw new DomainError(
        ErrorCode.CONFLICT,
        'from: both identities are already on the same profile',
      );
    const breach = force ? null : firstBreach(state, target, other, this.rules.rules);
    if (breach) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `merge: the profile would hold ${breach.wouldBe} ${breach.type} identities (limit ${breach.limit}); pass force: true to merge anyway`,
      );
    }
    state.merge(other, target);
    const members = [ref(into), ref(from)];
    const at = cause.at ?? now;
    return {
      results: [],
      created: [],
      newIdentities: [],
      seen: [],
      merges: [
        {
          from: other,
          into: target,
          final: target,
          identities: members,
          cause,
          at,
          rule: force ? 'manual-forced' : 'manual',
        },
      ],
      changed: new Set([target]),
      violations: [],
      links: [
        { observation: 0, ...linkOf(members, force), forced: force, cause, at },
      ],
    };
  }
}
