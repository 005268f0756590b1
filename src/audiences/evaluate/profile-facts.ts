// Everything a rule can read about one profile, at one evaluation time.
export interface ProfileFacts {
  // Trait values in force at the evaluation time, by name; a membership of audience x is the
  // value of `audience:x`. Absent or null: no value.
  traits: ReadonlyMap<string, unknown>;
  // The identity types the profile has.
  identities: ReadonlySet<string>;
  // The profile's events (any time: those after the evaluation time are ignored).
  events: readonly EventFact[];
}

export interface EventFact {
  event: string;
  // Milliseconds since the epoch.
  at: number;
  properties: Record<string, unknown>;
}
