import type { IdentityAt } from '../identity/history/identity-at';

// What a profile lookup resolves to; field resolvers and REST read traits relative to asOf.
export interface ProfileRef {
  id: string;
  revision: number;
  asOf: Date | null;
  // Set on a read of the past (docs/time-travel.md): what had been recorded by then.
  knownAt?: Date | null;
  // The identities the profile had at (asOf, knownAt), on a read of the past.
  members?: IdentityAt[];
}

export type HistoricalRef = ProfileRef & { asOf: Date; knownAt: Date; members: IdentityAt[] };

// A read of the past: its answers come from dated facts only, never from today's view.
export function isHistorical(ref: ProfileRef): ref is HistoricalRef {
  return ref.knownAt instanceof Date && ref.asOf instanceof Date && ref.members !== undefined;
}
