import { Injectable } from '@nestjs/common';

// Returns, per trait name, what reads it: e.g. { lifetime_value: ['audience high_value'] }.
export type TraitUsageLookup = (names: readonly string[]) => Promise<Map<string, string[]>>;

// A lookup over users that each read a set of traits: `label(user)` names the user in a plan
// ('audience whales'), `traitsOf(user)` lists what it reads (repeats counted once).
export function usageLookup<T>(
  users: readonly T[],
  label: (user: T) => string,
  traitsOf: (user: T) => Iterable<string>,
): TraitUsageLookup {
  return (names) => {
    const wanted = new Set(names);
    const out = new Map<string, string[]>();
    for (const user of users)
      for (const t of new Set(traitsOf(user)))
        if (wanted.has(t)) out.set(t, [...(out.get(t) ?? []), label(user)]);
    return Promise.resolve(out);
  };
}

// The hook through which audiences and destinations tell a plan who uses a trait, so a breaking
// change or removal names what it would break. Features register a lookup in onModuleInit.
@Injectable()
export class TraitUsageRegistry {
  private readonly lookups: TraitUsageLookup[] = [];

  register(lookup: TraitUsageLookup): void {
    this.lookups.push(lookup);
  }

  async usedBy(names: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (names.length === 0) return out;
    for (const lookup of this.lookups) {
      for (const [name, users] of await lookup(names))
        out.set(name, [...(out.get(name) ?? []), ...users]);
    }
    return out;
  }
}
