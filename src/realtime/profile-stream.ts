import type { Principal } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { sharePayload } from '../common/graphql/shared-payload';
import type { FeedChange } from '../feed/feed-change';
import type { TraitDef } from '../trait-definitions/trait-def';
import { maskChange } from './change-mask';
import type { ProfileChangeMessage } from './profile-change';

// What one group of changes became for the subscribers offered it so far, by what decides it
// (the key's scopes, the traits asked for, the changes not yet delivered, the profile followed):
// subscribers that would receive equal messages receive the same one, which the GraphQL layer
// executes once per operation (src/graphql/ws); serialising it stays per subscription.
export type SharedMessages = Map<string, ProfileChangeMessage | null>;

// A subscriber that reads this much slower than its profile changes is cut off; it can resume
// from its last position.
export const MAX_QUEUED = 10_000;

export interface StreamOwner {
  follow(stream: ProfileStream, profileId: string): void;
  unfollow(stream: ProfileStream, profileId: string): void;
  // Where the subscribed identity lives now (after an unmerge it may have moved).
  relocate(stream: ProfileStream): void;
}

// One profileChanged subscription: an async iterator of masked messages for the profile the
// identity belongs to, following it through merges. Changes at or before a position already
// delivered for that profile are dropped, so catch-up and live delivery can overlap.
export class ProfileStream implements AsyncIterableIterator<ProfileChangeMessage> {
  following: string;
  private readonly delivered = new Map<string, number>();
  // What masking depends on: the key's scopes and the traits asked for.
  private readonly maskKey: string;
  private readonly queue: ProfileChangeMessage[] = [];
  private waiting: ((r: IteratorResult<ProfileChangeMessage>) => void) | null = null;
  private failure: Error | null = null;
  private closed = false;
  // While catching up from the feed table, live changes wait here.
  private held:
    | {
        profileId: string;
        changes: FeedChange[];
        defs: ReadonlyMap<string, TraitDef | undefined>;
      }[]
    | null = [];

  constructor(
    private readonly owner: StreamOwner,
    readonly principal: Principal,
    readonly identity: { type: string; value: string },
    readonly traits: ReadonlySet<string> | null,
    profileId: string,
    after: number | null,
  ) {
    this.following = profileId;
    this.maskKey = `${[...principal.scopes].sort().join(' ')}\u0000${traits ? [...traits].sort().join(' ') : '*'}`;
    if (after !== null) this.delivered.set(profileId, after);
    else this.held = null;
  }

  // The changes of one transaction to one profile.
  offer(
    profileId: string,
    changes: FeedChange[],
    defs: ReadonlyMap<string, TraitDef | undefined>,
    shared?: SharedMessages,
  ): void {
    if (this.closed) return;
    if (this.held) {
      this.held.push({ profileId, changes, defs });
      return;
    }
    this.offerNow(profileId, changes, defs, shared);
  }

  // Past the hold: catch-up pages go straight here.
  offerNow(
    profileId: string,
    changes: FeedChange[],
    defs: ReadonlyMap<string, TraitDef | undefined>,
    shared?: SharedMessages,
  ): void {
    if (this.closed) return;
    const last = this.delivered.get(profileId) ?? 0;
    const fresh = changes.filter((c) => c.position > last);
    if (fresh.length === 0) return;
    this.delivered.set(profileId, fresh[fresh.length - 1].position);
    let moved = false;
    for (const c of fresh) {
      if (c.profileId !== this.following) continue;
      const into = (c.after as { mergedInto?: string } | null)?.mergedInto;
      if (c.kind === 'merge' && into) {
        this.owner.unfollow(this, this.following);
        this.following = into;
        this.owner.follow(this, into);
        moved = true;
      } else if (c.kind === 'unmerge') {
        this.owner.relocate(this);
      }
    }
    const key = `${this.maskKey}\u0000${this.following}\u0000${moved}\u0000${fresh[0].position}\u0000${fresh.length}`;
    let message = shared?.get(key);
    if (message === undefined) {
      message = this.message(profileId, fresh, defs, moved);
      shared?.set(key, message);
    }
    if (message) this.push(message);
  }

  // What this subscriber receives of changes not delivered yet; null when nothing it may see.
  private message(
    profileId: string,
    fresh: FeedChange[],
    defs: ReadonlyMap<string, TraitDef | undefined>,
    moved: boolean,
  ): ProfileChangeMessage | null {
    const visible = fresh
      .map((c) => maskChange(c, this.principal, defs, this.traits))
      .filter((c): c is FeedChange => c !== null);
    if (visible.length === 0 && !moved) return null;
    const tail = fresh[fresh.length - 1];
    return sharePayload({
      profileId,
      following: this.following,
      revision: tail.revision,
      position: tail.position,
      changes: visible,
    });
  }

  // Catch-up done: live changes that arrived meanwhile go out now, duplicates dropped.
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const h of held) this.offer(h.profileId, h.changes, h.defs);
  }

  // Moves to another profile without a merge change (an unmerge moved the identity).
  moveTo(profileId: string): void {
    if (this.closed || profileId === this.following) return;
    this.owner.unfollow(this, this.following);
    this.following = profileId;
    this.owner.follow(this, profileId);
    this.push({
      profileId,
      following: profileId,
      revision: 0,
      position: this.delivered.get(profileId) ?? 0,
      changes: [],
    });
  }

  private push(message: ProfileChangeMessage): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: message, done: false });
      return;
    }
    this.queue.push(message);
    if (this.queue.length > MAX_QUEUED) {
      this.fail(
        new DomainError(
          ErrorCode.UNAVAILABLE,
          'the subscriber reads too slowly; resubscribe with after: the last position',
        ),
      );
    }
  }

  fail(err: Error): void {
    this.failure = err;
    this.queue.length = 0;
    this.finish();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<ProfileChangeMessage>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ProfileChangeMessage>> {
    this.finish();
    this.queue.length = 0;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<ProfileChangeMessage>> {
    void this.return();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.unfollow(this, this.following);
  }
}
