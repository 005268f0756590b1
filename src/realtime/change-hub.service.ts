import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { setImmediate } from 'node:timers/promises';
import type { Principal } from '../api-keys/scopes';
import { canReadTrait } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import type { FeedChange } from '../feed/feed-change';
import { FeedListener } from '../feed/feed-listener.service';
import { FeedReader, MAX_CATCH_UP } from '../feed/feed-reader.service';
import type { LiveBatch } from '../feed/live-batch';
import { IdentityService } from '../identity/identity.service';
import type { TraitDef } from '../trait-definitions/trait-def';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { ProfileStream, SharedMessages, StreamOwner } from './profile-stream';

const TRAIT_KINDS = new Set<string>(['trait', 'audience', 'correction']);

// Subscribers a change is pushed to in one turn of the event loop, before the next ones.
export const PUSHES_PER_TURN = 64;

// Live profile subscriptions on this node, fed by the change feed's live listener: each committed
// transaction's changes go to the subscribers of the profiles it changed, and only to them.
@Injectable()
export class ChangeHub implements StreamOwner, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChangeHub.name);
  private readonly byProfile = new Map<string, Set<ProfileStream>>();
  // Batches are dispatched one after the other, so each subscriber sees its profile's changes in
  // commit order even when one batch must be loaded from Postgres first.
  private chain: Promise<void> = Promise.resolve();
  private stop: (() => void) | null = null;

  constructor(
    private readonly listener: FeedListener,
    private readonly reader: FeedReader,
    private readonly identities: IdentityService,
    private readonly registry: TraitRegistry,
  ) {}

  onModuleInit(): void {
    this.stop = this.listener.listen({ batch: (b) => this.onBatch(b) });
  }

  onModuleDestroy(): void {
    this.stop?.();
    for (const set of this.byProfile.values()) for (const s of set) void s.return();
  }

  get subscribers(): number {
    let n = 0;
    for (const set of this.byProfile.values()) n += set.size;
    return n;
  }

  async subscribe(
    principal: Principal,
    identity: { type: string; value: string },
    traits: string[] | null,
    after: number | null,
  ): Promise<ProfileStream> {
    const wanted = traits ? await this.checkTraits(principal, traits) : null;
    const profileId = await this.identities.profileIdOf(identity.type, identity.value);
    if (!profileId) {
      throw new DomainError(
        ErrorCode.PROFILE_NOT_FOUND,
        `identity: no profile has the identity ${identity.type}:${identity.value}`,
      );
    }
    const stream = new ProfileStream(this, principal, identity, wanted, profileId, after);
    this.follow(stream, profileId);
    if (after !== null) {
      try {
        await this.catchUp(stream, profileId, after);
      } catch (err) {
        void stream.return();
        throw err;
      }
      stream.release();
    }
    return stream;
  }

  follow(stream: ProfileStream, profileId: string): void {
    let set = this.byProfile.get(profileId);
    if (!set) this.byProfile.set(profileId, (set = new Set()));
    set.add(stream);
  }

  unfollow(stream: ProfileStream, profileId: string): void {
    const set = this.byProfile.get(profileId);
    if (!set) return;
    set.delete(stream);
    if (set.size === 0) this.byProfile.delete(profileId);
  }

  relocate(stream: ProfileStream): void {
    this.identities.profileIdOf(stream.identity.type, stream.identity.value).then(
      (id) => id && stream.moveTo(id),
      (err: Error) => this.logger.warn(`relocating a subscription after an unmerge: ${err.name}`),
    );
  }

  private async checkTraits(principal: Principal, names: string[]): Promise<Set<string>> {
    const defs = await this.registry.getMany(names);
    for (const name of names) {
      const def = defs.get(name);
      if (!def)
        throw new DomainError(ErrorCode.INVALID_INPUT, `traits: unknown trait ${name}`, {
          traits: `unknown trait ${name}`,
        });
      if (!canReadTrait(principal, def))
        throw new DomainError(ErrorCode.FORBIDDEN, `traits: this key may not read trait ${name}`);
    }
    return new Set(names);
  }

  // What the profile changed after `after`, a page at a time, in commit order.
  private async catchUp(stream: ProfileStream, profileId: string, after: number): Promise<void> {
    let from = after;
    for (;;) {
      const page = await this.reader.since([profileId], from, MAX_CATCH_UP);
      if (page.length === 0) return;
      await this.offerAll(page, [stream], true);
      from = page[page.length - 1].position;
      if (page.length < MAX_CATCH_UP) return;
    }
  }

  private onBatch(batch: LiveBatch): void {
    if (this.byProfile.size === 0) return;
    this.chain = this.chain
      .then(async () => {
        const changes = batch.changes ?? (await batch.load());
        await this.offerAll(changes, null, false);
      })
      .catch((err: Error) => this.logger.error(`dispatching feed batch ${batch.xid}: ${err.name}`));
  }

  // A change can name a trait defined a moment ago by another process (an audience saved there):
  // the registry is reloaded rather than the change dropped as unreadable.
  private async definitions(names: Set<string>): Promise<Map<string, TraitDef | undefined>> {
    const defs = await this.registry.getMany(names);
    if ([...defs.values()].every((d) => d !== undefined)) return defs;
    this.registry.invalidate();
    return this.registry.getMany(names);
  }

  // Groups changes by profile and revision (one transaction's changes to one profile), keeping
  // commit order, and offers each group to the profile's subscribers (or to `only`).
  private async offerAll(
    changes: FeedChange[],
    only: ProfileStream[] | null,
    catchingUp: boolean,
  ): Promise<void> {
    const groups: FeedChange[][] = [];
    const open = new Map<string, FeedChange[]>();
    for (const c of changes) {
      if (c.kind === 'event') continue;
      if (!only && !this.byProfile.has(c.profileId)) continue;
      const g = open.get(c.profileId);
      if (g && g[0].revision === c.revision) g.push(c);
      else {
        const fresh = [c];
        open.set(c.profileId, fresh);
        groups.push(fresh);
      }
    }
    if (groups.length === 0) return;
    const names = new Set<string>();
    for (const g of groups)
      for (const c of g) if (c.name !== null && TRAIT_KINDS.has(c.kind)) names.add(c.name);
    const defs = await this.definitions(names);
    for (const g of groups) {
      const targets = only ?? [...(this.byProfile.get(g[0].profileId) ?? [])];
      const shared: SharedMessages = new Map();
      for (let i = 0; i < targets.length; i++) {
        // Each push is executed and sent by the GraphQL layer in the turn it is offered: a change
        // to a profile with a thousand subscribers would hold the event loop (and the answer to
        // the write that made it) for the whole fan-out (docs/realtime.md, "Fan-out").
        if (i > 0 && i % PUSHES_PER_TURN === 0) await setImmediate();
        const s = targets[i];
        if (catchingUp) s.offerNow(g[0].profileId, g, defs, shared);
        else s.offer(g[0].profileId, g, defs, shared);
      }
    }
  }
}
