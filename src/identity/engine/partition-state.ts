// What the rule engine needs to know about the identity graph: which profile an identity is on,
// and how many identities of each type a profile holds. Loaded partially from the database for
// one resolution, or built whole in memory by a replay (unmerge, preview, tests).
export class PartitionState {
  private readonly owner = new Map<string, string>();
  // A merged-away profile → the profile it was merged into.
  private readonly redirect = new Map<string, string>();
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(private readonly newProfileId: () => string) {}

  // Loading: an identity's profile, and a profile's count of one type.
  setOwner(key: string, profileId: string): void {
    this.owner.set(key, profileId);
    if (!this.counts.has(profileId)) this.counts.set(profileId, new Map());
  }

  setCount(profileId: string, type: string, n: number): void {
    let byType = this.counts.get(profileId);
    if (!byType) this.counts.set(profileId, (byType = new Map<string, number>()));
    byType.set(type, n);
  }

  find(profileId: string): string {
    let p = profileId;
    for (let next = this.redirect.get(p); next !== undefined; next = this.redirect.get(p)) p = next;
    if (p !== profileId) this.redirect.set(profileId, p);
    return p;
  }

  profileOf(key: string): string | undefined {
    const p = this.owner.get(key);
    return p === undefined ? undefined : this.find(p);
  }

  count(profileId: string, type: string): number {
    return this.counts.get(this.find(profileId))?.get(type) ?? 0;
  }

  typeCounts(profileId: string): ReadonlyMap<string, number> {
    return this.counts.get(this.find(profileId)) ?? new Map();
  }

  createProfile(): string {
    const id = this.newProfileId();
    this.counts.set(id, new Map());
    return id;
  }

  attach(key: string, type: string, profileId: string): void {
    const p = this.find(profileId);
    this.owner.set(key, p);
    this.setCount(p, type, this.count(p, type) + 1);
  }

  merge(from: string, into: string): void {
    const f = this.find(from);
    const t = this.find(into);
    if (f === t) return;
    for (const [type, n] of this.typeCounts(f)) this.setCount(t, type, this.count(t, type) + n);
    this.counts.delete(f);
    this.redirect.set(f, t);
  }

  // Every known identity grouped by its (live) profile.
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const key of this.owner.keys()) {
      const p = this.profileOf(key)!;
      const list = out.get(p);
      if (list) list.push(key);
      else out.set(p, [key]);
    }
    return out;
  }

  keys(): IterableIterator<string> {
    return this.owner.keys();
  }
}
