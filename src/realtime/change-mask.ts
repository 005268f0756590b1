import { canReadTrait, Principal } from '../api-keys/scopes';
import type { FeedChange } from '../feed/feed-change';
import { canSeePii, maskIdentitiesDeep } from '../profiles/masking/pii-mask';
import type { TraitDef } from '../trait-definitions/trait-def';

// What a subscriber of these traits may see of one change, or null when it may see nothing of it.
// Trait and audience changes need a trait the key may read (and, with a `traits` filter, one of
// those); an identity's value is personal data, so only keys with profile:read:pii receive it
// (the others learn that an identity of that type was added, with the value null); events are
// not profile changes for subscribers.
export function maskChange(
  change: FeedChange,
  principal: Principal,
  defs: ReadonlyMap<string, TraitDef | undefined>,
  traits: ReadonlySet<string> | null,
): FeedChange | null {
  switch (change.kind) {
    case 'trait':
    case 'audience':
    case 'correction': {
      const def = change.name === null ? undefined : defs.get(change.name);
      if (!def || !canReadTrait(principal, def)) return null;
      if (traits && !traits.has(def.name)) return null;
      return change;
    }
    case 'identity':
      if (traits) return null;
      return mayReadIdentities(principal) ? change : { ...change, before: null, after: null };
    case 'merge':
    case 'unmerge':
    case 'erase':
      return {
        ...change,
        before: maskIdentitiesDeep(principal, change.before),
        after: maskIdentitiesDeep(principal, change.after),
      };
    default:
      return null;
  }
}

// Identity values follow the one PII rule in profiles/masking.
export function mayReadIdentities(principal: Principal): boolean {
  return canSeePii(principal);
}
