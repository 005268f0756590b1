import type { IdentityRules } from '../config/identity-rules';
import { applyObservation } from './apply-observation';
import { PartitionState } from './partition-state';
import { identityKey } from './prepare-observation';

// The replay log, in order: distinct sets of ≥ 2 identities seen together (at the position of
// their first sighting) and the first sighting of every identity (its seq). Both numbers come from
// one sequence; at an equal number the link comes first (identities created by a link carry its
// position, and by then the link has placed them).
export type ReplayEvent =
  | {
      at: bigint;
      kind: 'link';
      members: readonly { type: string; value: string }[];
      forced: boolean;
    }
  | { at: bigint; kind: 'identity'; type: string; value: string };

export interface ReplayResult {
  state: PartitionState;
  violations: number;
}

export function counterIds(prefix = 'r'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export function compareEvents(a: ReplayEvent, b: ReplayEvent): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.kind === b.kind ? 0 : a.kind === 'link' ? -1 : 1;
}

// Replays the log from an empty graph. Repeating a set changes nothing (profiles only grow, so a
// refused merge stays refused), which is why the distinct sets suffice; when an identity was first
// seen does matter (the highest-priority known identity chooses the target), hence its seq.
export function replay(
  events: Iterable<ReplayEvent>,
  rules: IdentityRules,
  state = new PartitionState(counterIds()),
): ReplayResult {
  let violations = 0;
  for (const e of events) {
    if (e.kind === 'identity') {
      const key = identityKey(e.type, e.value);
      if (state.profileOf(key) === undefined) state.attach(key, e.type, state.createProfile());
    } else if (e.members.length >= 2) {
      violations += applyObservation(state, e.members, rules, { stored: true, force: e.forced })
        .violations.length;
    }
  }
  return { state, violations };
}

export interface PartitionDiff {
  // Profiles that would be merged into another / extra profiles split off an existing one.
  merges: number;
  splits: number;
}

// Compares the current partition (identity key → profile id) with a proposed one over the same
// identities; identities only on one side are ignored.
export function comparePartitions(
  current: ReadonlyMap<string, string>,
  proposed: PartitionState,
): PartitionDiff {
  const currentPerGroup = new Map<string, Set<string>>();
  const groupsPerCurrent = new Map<string, Set<string>>();
  for (const [key, profileId] of current) {
    const group = proposed.profileOf(key);
    if (group === undefined) continue;
    addTo(currentPerGroup, group, profileId);
    addTo(groupsPerCurrent, profileId, group);
  }
  let merges = 0;
  let splits = 0;
  for (const s of currentPerGroup.values()) merges += s.size - 1;
  for (const s of groupsPerCurrent.values()) splits += s.size - 1;
  return { merges, splits };
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
