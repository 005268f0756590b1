import { useEffect } from 'react';
import { useSubscription } from 'urql';
import type { IdentityKey } from './profile-lookup';

// A plain document, not graphql(): it needs only the position, and the UI still loads against a
// server without profileChanged (the subscription then answers an error and nothing is followed).
const PROFILE_CHANGED = `
  subscription ProfileChanged($identity: IdentityInput!) {
    profileChanged(identity: $identity) {
      position
    }
  }
`;

// While the profile is shown as it is now, every change pushed by profileChanged reads it again
// (and with it the timeline, which follows the revision). Returns whether changes are followed.
export function useLiveProfile(
  identity: IdentityKey,
  enabled: boolean,
  refresh: () => void,
): boolean {
  const [live] = useSubscription<{ profileChanged: { position: number } }>({
    query: PROFILE_CHANGED,
    variables: { identity: { type: identity.type, value: identity.value } },
    pause: !enabled,
  });
  const position = live.data?.profileChanged.position;
  useEffect(() => {
    // The position says when a change arrived; refresh is a new function on every render.
    if (position !== undefined) refresh();
  }, [position]);
  return enabled && !live.error;
}
