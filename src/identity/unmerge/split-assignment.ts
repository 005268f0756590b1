export interface SplitInput {
  // The identity keys of each group of the new partition of the scope.
  groups: readonly (readonly string[])[];
  // Each identity's profile now, and when each of those profiles was created.
  current: ReadonlyMap<string, string>;
  createdAt: ReadonlyMap<string, Date>;
  // The identity being split off.
  splitKey: string;
}

export interface SplitAssignment {
  // The existing profile id each group keeps, or null for a new profile.
  kept: (string | null)[];
  // Existing profiles no group keeps → the group that received most of their identities.
  dissolved: Map<string, number>;
}

interface Candidate {
  group: number;
  profileId: string;
  held: number;
}

// Each group keeps the existing profile holding most of its identities; ties go to the group
// without the split identity (it is the one leaving), then to the older profile, then by id.
export function assignGroups({
  groups,
  current,
  createdAt,
  splitKey,
}: SplitInput): SplitAssignment {
  const candidates: Candidate[] = [];
  const heldBy = new Map<string, Map<number, number>>();
  groups.forEach((keys, group) => {
    const counts = new Map<string, number>();
    for (const key of keys) {
      const p = current.get(key);
      if (p !== undefined) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    for (const [profileId, held] of counts) {
      candidates.push({ group, profileId, held });
      if (!heldBy.has(profileId)) heldBy.set(profileId, new Map());
      heldBy.get(profileId)!.set(group, held);
    }
  });
  const hasSplit = groups.map((keys) => keys.includes(splitKey));
  const age = (p: string) => createdAt.get(p)?.getTime() ?? 0;
  candidates.sort(
    (a, b) =>
      b.held - a.held ||
      Number(hasSplit[a.group]) - Number(hasSplit[b.group]) ||
      age(a.profileId) - age(b.profileId) ||
      (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : a.group - b.group),
  );
  const kept: (string | null)[] = groups.map(() => null);
  const taken = new Set<string>();
  for (const c of candidates) {
    if (kept[c.group] !== null || taken.has(c.profileId)) continue;
    kept[c.group] = c.profileId;
    taken.add(c.profileId);
  }
  const dissolved = new Map<string, number>();
  for (const [profileId, byGroup] of heldBy) {
    if (taken.has(profileId)) continue;
    const [group] = [...byGroup].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
    dissolved.set(profileId, group);
  }
  return { kept, dissolved };
}
