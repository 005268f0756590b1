import type { FeedChange } from '../../feed/feed-change';
import { dependenciesOf } from '../rule/rule-walk';
import type { AudienceEntity } from '../storage/audience.entity';
import { membershipTrait } from '../storage/membership-trait';

// Which audiences a change can move, from what their rules read: traits (including other
// audiences' membership traits), identity types and event names. Merges and unmerges can move
// every audience of the profiles involved.
export class DependencyIndex {
  private readonly byTrait = new Map<string, AudienceEntity[]>();
  private readonly byIdentity = new Map<string, AudienceEntity[]>();
  private readonly byEvent = new Map<string, AudienceEntity[]>();

  constructor(readonly audiences: readonly AudienceEntity[]) {
    for (const a of audiences) {
      const deps = dependenciesOf(a.rule);
      for (const t of deps.traits) add(this.byTrait, t, a);
      for (const s of deps.audiences) add(this.byTrait, membershipTrait(s), a);
      for (const i of deps.identities) add(this.byIdentity, i, a);
      for (const e of deps.events) add(this.byEvent, e, a);
    }
  }

  // audience id → the audience and the profiles to re-evaluate for it.
  affected(
    changes: readonly FeedChange[],
  ): Map<string, { audience: AudienceEntity; profiles: Set<string> }> {
    const out = new Map<string, { audience: AudienceEntity; profiles: Set<string> }>();
    const mark = (audiences: readonly AudienceEntity[] | undefined, profileId: string) => {
      for (const a of audiences ?? []) {
        const entry = out.get(a.id) ?? { audience: a, profiles: new Set<string>() };
        entry.profiles.add(profileId);
        out.set(a.id, entry);
      }
    };
    for (const c of changes) {
      switch (c.kind) {
        case 'trait':
        case 'audience':
          mark(this.byTrait.get(c.name ?? ''), c.profileId);
          break;
        case 'identity':
          mark(this.byIdentity.get(c.name ?? ''), c.profileId);
          break;
        case 'event':
          mark(this.byEvent.get(c.name ?? ''), c.profileId);
          break;
        case 'merge':
        case 'unmerge':
          for (const id of [c.profileId, ...profilesNamedIn(c.after)]) mark(this.audiences, id);
          break;
        default:
          break;
      }
    }
    return out;
  }
}

function add(map: Map<string, AudienceEntity[]>, key: string, a: AudienceEntity): void {
  const list = map.get(key) ?? [];
  if (!list.includes(a)) list.push(a);
  map.set(key, list);
}

// A merge or unmerge record names the other profiles it joined or split.
function profilesNamedIn(after: unknown): string[] {
  if (typeof after !== 'object' || after === null) return [];
  const a = after as { mergedInto?: unknown; mergedFrom?: unknown; splitFrom?: unknown };
  const from: unknown[] = Array.isArray(a.mergedFrom) ? (a.mergedFrom as unknown[]) : [];
  return [a.mergedInto, ...from, a.splitFrom].filter((x): x is string => typeof x === 'string');
}
