import type { FeedChange } from '../feed/feed-change';

// One push to a subscriber: the changes one committed transaction made to a profile, as the
// subscriber's key may see them.
export interface ProfileChangeMessage {
  // The profile the changes were made to.
  profileId: string;
  // The profile the subscription follows from now on: after a merge, the surviving profile.
  following: string;
  revision: number;
  // The highest position in this message: resubscribe with `after: position` to get what followed.
  position: number;
  changes: FeedChange[];
}
