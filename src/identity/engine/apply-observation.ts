import { IdentityRules, limitOf } from '../config/identity-rules';
import type { PartitionState } from './partition-state';
import {
  DroppedIdentity,
  IdentityInputRef,
  PreparedIdentity,
  PreparedObservation,
  prepareObservation,
} from './prepare-observation';

export interface Violation {
  // 'limit': an identity could not join the target, it got a profile of its own;
  // 'merge': the identity's profile could not be merged into the target, it stays where it is.
  kind: 'limit' | 'merge';
  identity: PreparedIdentity;
  // Where the identity is after the observation, and the profile it could not join.
  profileId: string;
  targetProfileId: string;
  limitType: string;
  limit: number;
  // What the type's count would have become.
  wouldBe: number;
}

export interface MergeStep {
  from: string;
  into: string;
}

export interface ObservationOutcome {
  identities: PreparedIdentity[];
  dropped: DroppedIdentity[];
  // The profile the observation resolved to; null when nothing was left to observe.
  profileId: string | null;
  created: string[];
  // Identities that were on no profile before (their profile may be merged later in a batch).
  attached: { identity: PreparedIdentity; profileId: string }[];
  merges: MergeStep[];
  violations: Violation[];
}

export interface ApplyOptions {
  // Ignore limits (a forced manual merge).
  force?: boolean;
  // The identities were normalised when first stored: only re-check blocked values.
  stored?: boolean;
}

export function firstBreach(
  state: PartitionState,
  target: string,
  other: string,
  rules: IdentityRules,
): { type: string; limit: number; wouldBe: number } | null {
  const a = state.typeCounts(target);
  const b = state.typeCounts(other);
  const types = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const type of types) {
    const wouldBe = (a.get(type) ?? 0) + (b.get(type) ?? 0);
    const limit = limitOf(rules, type);
    if (wouldBe > limit) return { type, limit, wouldBe };
  }
  return null;
}

// What one observation of identities seen together does (docs/identity.md, "The algorithm"):
// 1. normalise, drop blocked, dedupe, sort by (priority desc, type, value);
// 2. target = the profile of the highest-priority identity already known (none: a new profile);
// 3. in order: an unknown identity joins the target when the target's count of its type is under
//    the limit, else it gets a profile of its own (and, when the identity that chose the target
//    comes later in the order, that new profile becomes the target); a known identity on another profile
//    merges that profile into the target when every type stays within its limit, else it stays
//    where it is. Every refusal is a violation. The state is updated in place.
export function applyObservation(
  state: PartitionState,
  raw: readonly IdentityInputRef[],
  rules: IdentityRules,
  options: ApplyOptions = {},
): ObservationOutcome {
  return applyPrepared(state, prepareObservation(raw, rules, options), rules, options);
}

// Steps 2 and 3, for identities already prepared (step 1).
export function applyPrepared(
  state: PartitionState,
  { identities, dropped }: PreparedObservation,
  rules: IdentityRules,
  options: ApplyOptions = {},
): ObservationOutcome {
  const out: ObservationOutcome = {
    identities,
    dropped,
    profileId: null,
    created: [],
    attached: [],
    merges: [],
    violations: [],
  };
  let anchor = identities.findIndex((id) => state.profileOf(id.key) !== undefined);
  let target = anchor >= 0 ? state.profileOf(identities[anchor].key) : undefined;
  identities.forEach((id, i) => {
    const current = state.profileOf(id.key);
    if (current === undefined) {
      if (target === undefined) {
        target = state.createProfile();
        anchor = i;
        out.created.push(target);
      } else if (!options.force && state.count(target, id.type) >= limitOf(rules, id.type)) {
        const own = state.createProfile();
        out.created.push(own);
        if (anchor > i) {
          // The identity that chose the target comes later in the order: this one leads instead,
          // so the first identity of an observation always ends on its target (a repeat of the
          // observation then changes nothing).
          target = own;
          anchor = i;
        } else {
          const limit = limitOf(rules, id.type);
          const wouldBe = state.count(target, id.type) + 1;
          out.violations.push({
            kind: 'limit',
            identity: id,
            profileId: own,
            targetProfileId: target,
            limitType: id.type,
            limit,
            wouldBe,
          });
        }
        state.attach(id.key, id.type, own);
        out.attached.push({ identity: id, profileId: own });
        return;
      }
      state.attach(id.key, id.type, target);
      out.attached.push({ identity: id, profileId: target });
      return;
    }
    if (current === target) return;
    const breach = options.force ? null : firstBreach(state, target!, current, rules);
    if (!breach) {
      state.merge(current, target!);
      out.merges.push({ from: current, into: target! });
      return;
    }
    out.violations.push({
      kind: 'merge',
      identity: id,
      profileId: current,
      targetProfileId: target!,
      limitType: breach.type,
      limit: breach.limit,
      wouldBe: breach.wouldBe,
    });
  });
  out.profileId = target === undefined ? null : state.find(target);
  return out;
}
