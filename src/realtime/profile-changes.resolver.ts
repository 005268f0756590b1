import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import type { FeedChange } from '../feed/feed-change';
import { ChangeHub } from './change-hub.service';
import type { ProfileChangeMessage } from './profile-change';
import { ProfileChangeItemModel, ProfileChangeModel } from './profile-change.model';
import { ProfileChangedArgs } from './profile-changed.args';
import type { ProfileStream } from './profile-stream';

function toItem(c: FeedChange): ProfileChangeItemModel {
  const p = c.provenance;
  const modelVersion = p?.sourceRef?.modelVersion;
  return {
    position: c.position,
    kind: c.kind,
    name: c.name,
    before: c.before,
    after: c.after,
    provenance: p && {
      sourceKind: p.sourceKind,
      sourceRef: p.sourceRef ?? null,
      runId: p.runId ?? null,
      definitionVersion: p.definitionVersion ?? null,
      modelVersion: typeof modelVersion === 'string' ? modelVersion : null,
      observedAt: p.observedAt ? new Date(p.observedAt) : null,
    },
    at: new Date(c.at),
  };
}

// A change goes to every subscriber of its profile as the same object (a trait change is not
// copied by masking): its model is made once and shared, instants included, so a push to a
// thousand subscribers does not build a thousand copies (garbage collection was a quarter of the
// fan-out's CPU time).
const items = new WeakMap<FeedChange, ProfileChangeItemModel>();

function itemOf(c: FeedChange): ProfileChangeItemModel {
  let item = items.get(c);
  if (!item) items.set(c, (item = toItem(c)));
  return item;
}

function toModel(m: ProfileChangeMessage): ProfileChangeModel {
  return { ...m, changes: m.changes.map(itemOf) };
}

@Resolver()
export class ProfileChangesResolver {
  constructor(private readonly hub: ChangeHub) {}

  @Subscription(() => ProfileChangeModel, {
    description:
      "Pushes each committed change to the profile of this identity (values, audience entry and exit, identities, merges), masked by the key's scopes; follows the profile through merges",
    resolve: toModel,
  })
  @RequireScopes('profile:read')
  profileChanged(
    @Args() args: ProfileChangedArgs,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProfileStream> {
    return this.hub.subscribe(principal, args.identity, args.traits ?? null, args.after ?? null);
  }
}
