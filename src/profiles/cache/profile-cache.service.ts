import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { dueForRefresh } from '../../common/cache/refresh-ahead';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import type { FeedChange } from '../../feed/feed-change';
import { FeedListener } from '../../feed/feed-listener.service';
import type { LiveBatch } from '../../feed/live-batch';
import type { CurrentProfile, StoredValue } from '../../traits/stored-value';

// Changes that move an identity to or from a profile: the identity lookups of that profile go too.
const IDENTITY_KINDS = new Set<string>(['identity', 'merge', 'unmerge', 'erase']);

export const DEFAULT_PROFILE_CACHE_SIZE = 100_000;
// A re-observation of an unchanged value moves only its freshness and is no change on the feed: an
// entry is re-read after this long, so a value's status catches up within it (ahead of it while the
// entry is read, so hot profiles are never read from Postgres by a waiting request).
export const MAX_AGE_MS = 30_000;
// Each entry lives a random 75–100% of MAX_AGE_MS: profiles loaded together (a burst of traffic,
// a warm-up) are not all re-read in the same instant, which would stall every read behind them.
const AGE_SPREAD = 0.25;

interface Entry<T> {
  value: T;
  // Epoch ms after which the entry is read again.
  until: number;
}

function expiry(): number {
  return Date.now() + MAX_AGE_MS * (1 - AGE_SPREAD * Math.random());
}

// What a read makes of a profile's cached values (a response body, the views a key may see), kept
// with them until `until`, for the `version` of what else it was made from (the definitions).
interface Derived {
  value: unknown;
  version: object;
  until: number;
}

// Derived forms kept per profile: a few keys' scopes, include lists and shapes.
const MAX_DERIVED = 16;

const identityKey = (type: string, value: string) => `${type}\u0000${value}`;

// Today's profiles in process memory (docs/realtime.md, "Hot profile cache"): which profile an
// identity belongs to, and the profile's current values. Every entry a change touches is dropped by
// the change feed's live listener, which runs before a write of this process returns, so a read
// after an acknowledged write on this node never sees the older value. A load that started before
// a change and finishes after it is not stored (the epoch check), so it cannot put a stale value back.
// What reads make of the values (serialised bodies, views) is kept with them and goes with them.

@Injectable()
export class ProfileCache implements OnModuleInit, OnModuleDestroy {
  private readonly values = new Map<
    string,
    Entry<StoredValue[]> & { derived?: Map<string, Derived> }
  >();
  private readonly revisions = new Map<string, Entry<number>>();
  private readonly identities = new Map<string, Entry<string>>();
  private readonly identitiesOf = new Map<string, Set<string>>();
  // Bumped on every invalidation; `droppedAt` remembers the epoch at which a profile last changed.
  private epoch = 0;
  private clearedAt = 0;
  private readonly droppedAt = new Map<string, number>();
  private stop: (() => void) | null = null;
  // Identity keys and profile ids whose entries are being loaded again ahead of their expiry
  // (src/common/cache/refresh-ahead.ts): one load of each at a time.
  private readonly refreshing = new Set<string>();
  readonly size: number;

  constructor(
    private readonly listener: FeedListener,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.size = config.profileCacheSize ?? DEFAULT_PROFILE_CACHE_SIZE;
  }

  get enabled(): boolean {
    return this.size > 0;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.stop = this.listener.listen({ batch: (b) => this.onBatch(b), gap: () => this.clear() });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  // Today's profile of an identity with its revision and values: from memory when all three are
  // there, else from `load`, which reads them together (one statement, one snapshot).
  async current(
    type: string,
    value: string,
    load: () => Promise<CurrentProfile | null>,
  ): Promise<CurrentProfile | null> {
    if (!this.enabled) return load();
    const key = identityKey(type, value);
    const now = Date.now();
    const idEntry = this.live(this.identities.get(key), now);
    const id = idEntry?.value;
    const revision = id === undefined ? undefined : this.live(this.revisions.get(id), now);
    const values = id === undefined ? undefined : this.live(this.values.get(id), now);
    if (id !== undefined && idEntry && revision && values) {
      const until = Math.min(idEntry.until, revision.until, values.until);
      if (dueForRefresh(until, MAX_AGE_MS, now) && !this.refreshing.has(key))
        this.refreshAhead([key], () => this.loadCurrent(key, load));
      return { id, revision: revision.value, values: values.value };
    }
    // A miss loads on its own, never joining a refresh that may have begun before a write this
    // read must see.
    return this.loadCurrent(key, load);
  }

  private async loadCurrent(
    key: string,
    load: () => Promise<CurrentProfile | null>,
  ): Promise<CurrentProfile | null> {
    const epoch = this.epoch;
    const loaded = await load();
    if (loaded && this.fresh(loaded.id, epoch)) {
      const until = expiry();
      this.putIdentity(key, loaded.id, until);
      this.put(this.revisions, loaded.id, loaded.revision, until);
      this.put(this.values, loaded.id, loaded.values, until);
    }
    return loaded;
  }

  // `build`'s result for these values of a profile, kept with them while they stay cached (and
  // until the `until` it returns, for the same `version`); built afresh when `values` are not the
  // cached ones, so it is never made from, or served for, anything but what the cache holds.
  derived<T>(
    profileId: string,
    values: StoredValue[],
    key: string,
    version: object,
    build: () => { value: T; until: number },
  ): T {
    const entry = this.values.get(profileId);
    if (!entry || entry.value !== values) return build().value;
    const now = Date.now();
    const kept = entry.derived?.get(key);
    if (kept && kept.version === version && kept.until > now) return kept.value as T;
    const made = build();
    entry.derived ??= new Map();
    if (entry.derived.size >= MAX_DERIVED) entry.derived.clear();
    entry.derived.set(key, { value: made.value, version, until: made.until });
    return made.value;
  }

  // Current values of profiles, from memory where present; the rest in one `load`.
  async valuesOf(
    ids: readonly string[],
    load: (ids: string[]) => Promise<StoredValue[]>,
  ): Promise<StoredValue[]> {
    if (!this.enabled) return load([...ids]);
    const out: StoredValue[] = [];
    const missing: string[] = [];
    const aging: string[] = [];
    const now = Date.now();
    for (const id of ids) {
      const hit = this.live(this.values.get(id), now);
      if (!hit) missing.push(id);
      else {
        out.push(...hit.value);
        if (dueForRefresh(hit.until, MAX_AGE_MS, now) && !this.refreshing.has(id)) aging.push(id);
      }
    }
    if (aging.length > 0) this.refreshAhead(aging, () => this.loadValues(aging, load));
    if (missing.length === 0) return out;
    return out.concat(await this.loadValues(missing, load));
  }

  private async loadValues(
    ids: string[],
    load: (ids: string[]) => Promise<StoredValue[]>,
  ): Promise<StoredValue[]> {
    const epoch = this.epoch;
    const loaded = await load(ids);
    const byProfile = new Map<string, StoredValue[]>(ids.map((id) => [id, []]));
    for (const v of loaded) byProfile.get(v.profileId)?.push(v);
    for (const [id, vs] of byProfile)
      if (this.fresh(id, epoch)) this.put(this.values, id, vs, expiry());
    return loaded;
  }

  clear(): void {
    this.epoch += 1;
    this.clearedAt = this.epoch;
    this.values.clear();
    this.revisions.clear();
    this.identities.clear();
    this.identitiesOf.clear();
    this.droppedAt.clear();
  }

  private onBatch(batch: LiveBatch): void {
    // A large transaction is announced by its size only: everything goes, at once.
    if (!batch.changes) return this.clear();
    for (const c of batch.changes) this.drop(c);
  }

  private drop(c: FeedChange): void {
    if (c.kind === 'event') return;
    this.epoch += 1;
    this.droppedAt.set(c.profileId, this.epoch);
    if (this.droppedAt.size > this.size * 4) this.clear();
    this.values.delete(c.profileId);
    this.revisions.delete(c.profileId);
    if (!IDENTITY_KINDS.has(c.kind)) return;
    for (const key of this.identitiesOf.get(c.profileId) ?? []) this.identities.delete(key);
    this.identitiesOf.delete(c.profileId);
  }

  private live<T>(entry: Entry<T> | undefined, now: number): Entry<T> | undefined {
    return entry && now < entry.until ? entry : undefined;
  }

  // Loads again, in the background, the entries `keys` name; a failure leaves them to run out (the
  // read after them loads on its own).
  private refreshAhead(keys: string[], load: () => Promise<unknown>): void {
    for (const k of keys) this.refreshing.add(k);
    load()
      .catch(() => undefined)
      .finally(() => keys.forEach((k) => this.refreshing.delete(k)));
  }

  private fresh(profileId: string, epoch: number): boolean {
    return this.clearedAt <= epoch && (this.droppedAt.get(profileId) ?? 0) <= epoch;
  }

  private putIdentity(key: string, id: string, until: number): void {
    this.put(this.identities, key, id, until);
    let keys = this.identitiesOf.get(id);
    if (!keys) this.identitiesOf.set(id, (keys = new Set()));
    keys.add(key);
  }

  private put<T>(map: Map<string, Entry<T>>, key: string, value: T, until: number): void {
    map.delete(key);
    map.set(key, { value, until });
    if (map.size > this.size) map.delete(map.keys().next().value as string);
  }
}
