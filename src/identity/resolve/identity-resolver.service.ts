import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { ERASED_REASON } from '../../erasure/suppression';
import { isRetryable, withRetry } from '../concurrency/retry';
import type { IdentityRules } from '../config/identity-rules';
import { IdentityRulesService } from '../config/identity-rules.service';
import { PartitionState } from '../engine/partition-state';
import type { IdentityInputRef, PreparedIdentity } from '../engine/prepare-observation';
import { prepareObservation } from '../engine/prepare-observation';
import { planBatch, PlannedObservation } from './batch-plan';
import type { Observation, ObservationCause, ObserveResult } from './observation.types';
import { ResolutionRunner } from './resolution-runner';

// An observation as planned, with how many identities it was given (all dropped when erased).
type ObservedItem = PlannedObservation & { given: number };

export const MAX_OBSERVATIONS = 20_000;

// The public entry point of identity resolution for every module: identities observed together
// (an identify call, an alias, a dbt row with several id columns) land on one profile, merging
// profiles when the rules allow, and recording a violation when they do not.
@Injectable()
export class IdentityResolver {
  private readonly logger = new Logger(IdentityResolver.name);

  constructor(
    private readonly rules: IdentityRulesService,
    private readonly runner: ResolutionRunner,
  ) {}

  async observe(
    identities: readonly IdentityInputRef[],
    cause: ObservationCause,
  ): Promise<ObserveResult> {
    const [result] = await this.observeMany([{ identities, cause }]);
    return result;
  }

  // A batch in one transaction, applied in order, set-based whatever it does. A batch that keeps
  // meeting concurrent writers is retried observation by observation.
  async observeMany(observations: readonly Observation[]): Promise<ObserveResult[]> {
    if (observations.length > MAX_OBSERVATIONS) {
      throw new DomainError(
        ErrorCode.PAYLOAD_TOO_LARGE,
        `observations: at most ${MAX_OBSERVATIONS} per call`,
      );
    }
    const rules = this.rules.rules;
    const now = new Date();
    const items = observations.map((o) => ({
      prepared: prepareObservation(o.identities ?? [], rules),
      cause: o.cause,
      at: o.cause.at ?? now,
      given: o.identities?.length ?? 0,
    }));
    return this.resolve(items, rules);
  }

  private async resolve(items: ObservedItem[], rules: IdentityRules): Promise<ObserveResult[]> {
    const identities = items.flatMap((i) => i.prepared.identities);
    if (identities.length === 0)
      return planBatch(new PartitionState(randomUUID), items, rules).results;
    try {
      return await withRetry(() => this.resolveOnce(items, identities, rules), {
        attempts: items.length > 1 ? 3 : 10,
      });
    } catch (err) {
      if (items.length === 1 || !isRetryable(err)) throw err;
      this.logger.warn(
        `batch of ${items.length} observations kept conflicting: resolving them one by one`,
      );
      const out: ObserveResult[] = [];
      for (const item of items) out.push(...(await this.resolve([item], rules)));
      return out;
    }
  }

  private async resolveOnce(
    items: ObservedItem[],
    identities: readonly PreparedIdentity[],
    rules: IdentityRules,
  ): Promise<ObserveResult[]> {
    const plan = await this.runner.run(identities, items.length, (state, _now, erased) =>
      planBatch(state, withoutErased(items, erased), rules),
    );
    this.logger.debug(
      `${items.length} observation(s): ${plan.created.length} profiles created, ${plan.merges.length} merges, ` +
        `${plan.violations.length} violations`,
    );
    return plan.results;
  }
}

// An observation carrying an identity of an erased person is dropped whole (its identities are
// seen together, so they are that person's): nothing about them is created again, by any source.
function withoutErased(items: ObservedItem[], erased: ReadonlySet<string>): PlannedObservation[] {
  if (erased.size === 0) return items;
  return items.map((item) => {
    if (!item.prepared.identities.some((i) => erased.has(i.key))) return item;
    const dropped = Array.from({ length: item.given }, (_, index) => ({
      index,
      reason: ERASED_REASON,
      blocked: false,
    }));
    return { ...item, prepared: { identities: [], dropped } };
  });
}
