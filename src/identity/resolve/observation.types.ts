import type { IdentityInputRef } from '../engine/prepare-observation';

// What caused an observation: the source kind ('event', 'dbt', 'api', 'manual', …) and a reference
// (message id, run id); `at` is when the identities were seen together (default: now).
export interface ObservationCause {
  kind: string;
  ref?: string | null;
  at?: Date;
}

export interface Observation {
  identities: readonly IdentityInputRef[];
  cause: ObservationCause;
}

export interface IdentityRefOut {
  type: string;
  value: string;
}

export interface ViolationOut {
  kind: 'limit' | 'merge';
  identity: IdentityRefOut;
  profileId: string;
  targetProfileId: string;
  limitType: string;
  limit: number;
}

export interface ObserveResult {
  // The surviving profile the identities resolved to; null when nothing was left to observe.
  profileId: string | null;
  // That profile was created by this observation.
  created: boolean;
  merged: { from: string; into: string }[];
  violations: ViolationOut[];
  // Identities dropped before resolution (blocked or invalid), by index in the input.
  dropped: { index: number; reason: string }[];
  // Every identity was dropped: the observation did nothing.
  noop: boolean;
}
