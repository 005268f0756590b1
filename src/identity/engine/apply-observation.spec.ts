import fc from 'fast-check';
import { DEFAULT_IDENTITY_RULES } from '../config/identity-rules';
import { applyObservation } from './apply-observation';
import { PartitionState } from './partition-state';
import { identityKey } from './prepare-observation';
import { compareEvents, counterIds, replay, ReplayEvent } from './replay';

const rules = DEFAULT_IDENTITY_RULES;
const id = (type: string, value: string) => ({ type, value });
const fresh = () => new PartitionState(counterIds('p'));
const profileOf = (s: PartitionState, type: string, value: string) =>
  s.profileOf(identityKey(type, value));

const tightRules = {
  ...rules,
  types: new Map(
    [...rules.types].map(([t, r]) => [
      t,
      t === 'email' ? { ...r, limit: 2 } : t === 'anonymous_id' ? { ...r, limit: 3 } : r,
    ]),
  ),
};

describe('applyObservation', () => {
  it('creates one profile for identities seen together for the first time', () => {
    const s = fresh();
    const out = applyObservation(
      s,
      [id('anonymous_id', 'a1'), id('user_id', 'u1'), id('email', 'A@B.C ')],
      rules,
    );
    expect(out.created).toHaveLength(1);
    expect(out.identities.map((i) => i.type)).toEqual(['user_id', 'email', 'anonymous_id']);
    expect(profileOf(s, 'email', 'a@b.c')).toBe(out.profileId);
    expect(profileOf(s, 'anonymous_id', 'a1')).toBe(out.profileId);
  });

  it('attaches a first login to the anonymous profile instead of creating and merging', () => {
    const s = fresh();
    const anon = applyObservation(s, [id('anonymous_id', 'a1')], rules);
    const login = applyObservation(s, [id('user_id', 'u1'), id('anonymous_id', 'a1')], rules);
    expect(login).toMatchObject({
      profileId: anon.profileId,
      created: [],
      merges: [],
      violations: [],
    });
  });

  it('merges two known profiles into the one of the higher-priority identity', () => {
    const s = fresh();
    const user = applyObservation(s, [id('user_id', 'u1')], rules).profileId!;
    const anon = applyObservation(s, [id('anonymous_id', 'a1')], rules).profileId!;
    const out = applyObservation(s, [id('anonymous_id', 'a1'), id('user_id', 'u1')], rules);
    expect(out.merges).toEqual([{ from: anon, into: user }]);
    expect(profileOf(s, 'anonymous_id', 'a1')).toBe(user);
  });

  it('shared device: two user ids linked through one anonymous id stay apart, with a violation', () => {
    const s = fresh();
    const a = applyObservation(
      s,
      [id('user_id', 'alice'), id('anonymous_id', 'tablet')],
      rules,
    ).profileId;
    const b = applyObservation(
      s,
      [id('user_id', 'bob'), id('anonymous_id', 'tablet'), id('email', 'bob@x.io')],
      rules,
    );
    expect(b.profileId).not.toBe(a);
    expect(profileOf(s, 'anonymous_id', 'tablet')).toBe(a);
    // Bob's own email follows Bob, not the profile of the shared device.
    expect(profileOf(s, 'email', 'bob@x.io')).toBe(b.profileId);
    expect(b.violations).toEqual([
      expect.objectContaining({
        kind: 'merge',
        profileId: a,
        targetProfileId: b.profileId,
        limitType: 'user_id',
        limit: 1,
        wouldBe: 2,
      }),
    ]);
  });

  it('an identity over its limit on the target gets a profile of its own', () => {
    const s = fresh();
    const a = applyObservation(
      s,
      [id('user_id', 'alice'), id('anonymous_id', 'a1'), id('anonymous_id', 'a2')],
      tightRules,
    ).profileId;
    const out = applyObservation(
      s,
      [id('user_id', 'alice'), id('anonymous_id', 'a3'), id('anonymous_id', 'a4')],
      tightRules,
    );
    expect(out.profileId).toBe(a);
    expect(profileOf(s, 'anonymous_id', 'a3')).toBe(a);
    expect(profileOf(s, 'anonymous_id', 'a4')).not.toBe(a);
    expect(out.violations).toEqual([
      expect.objectContaining({
        kind: 'limit',
        targetProfileId: a,
        limitType: 'anonymous_id',
        limit: 3,
        wouldBe: 4,
      }),
    ]);
  });

  it('the first identity in order leads: a new user id that cannot join becomes the target', () => {
    const s = fresh();
    const alice = applyObservation(
      s,
      [id('user_id', 'alice'), id('device_id', 'd1')],
      rules,
    ).profileId;
    const out = applyObservation(
      s,
      [id('user_id', 'alias'), id('device_id', 'd1'), id('device_id', 'd2')],
      rules,
    );
    expect(out.profileId).not.toBe(alice);
    expect(profileOf(s, 'device_id', 'd2')).toBe(out.profileId);
    expect(profileOf(s, 'device_id', 'd1')).toBe(alice);
    expect(out.violations).toEqual([
      expect.objectContaining({ kind: 'merge', profileId: alice, limitType: 'user_id' }),
    ]);
    // Observing the same identities again changes nothing.
    const again = applyObservation(
      s,
      [id('user_id', 'alias'), id('device_id', 'd1'), id('device_id', 'd2')],
      rules,
    );
    expect(again).toMatchObject({
      profileId: out.profileId,
      created: [],
      attached: [],
      merges: [],
    });
  });

  it('drops blocked values: they never link and never create', () => {
    const s = fresh();
    const a = applyObservation(s, [id('user_id', 'undefined'), id('anonymous_id', 'a1')], rules);
    const b = applyObservation(s, [id('user_id', 'undefined'), id('anonymous_id', 'a2')], rules);
    expect(a.profileId).not.toBe(b.profileId);
    expect(a.dropped).toEqual([
      { index: 0, reason: 'identity.value: a blocked user_id value', blocked: true },
    ]);
    expect(profileOf(s, 'user_id', 'undefined')).toBeUndefined();
    const none = applyObservation(s, [id('user_id', 'null'), id('email', ' 0 ')], rules);
    expect(none).toMatchObject({ profileId: null, created: [], identities: [] });
  });

  it('forced: merges whatever the limits', () => {
    const s = fresh();
    applyObservation(s, [id('user_id', 'u1')], rules);
    applyObservation(s, [id('user_id', 'u2')], rules);
    const out = applyObservation(s, [id('user_id', 'u1'), id('user_id', 'u2')], rules, {
      force: true,
    });
    expect(out.merges).toHaveLength(1);
    expect(profileOf(s, 'user_id', 'u1')).toBe(profileOf(s, 'user_id', 'u2'));
  });
});

// Small id space so that observations collide, merge and hit limits often.
const identityArb = fc.oneof(
  fc.record({ type: fc.constant('user_id'), value: fc.constantFrom('u1', 'u2', 'u3') }),
  fc.record({ type: fc.constant('email'), value: fc.constantFrom('e1', 'e2', 'e3') }),
  fc.record({ type: fc.constant('anonymous_id'), value: fc.constantFrom('a1', 'a2', 'a3', 'a4') }),
);
const observationsArb = fc.array(fc.array(identityArb, { minLength: 1, maxLength: 4 }), {
  maxLength: 25,
});

function partition(s: PartitionState): string[][] {
  return [...s.groups().values()].map((g) => [...g].sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

// What the database stores while observations are applied: each new distinct set at the position
// of the observation, and each identity at the position of the observation that created it.
function applyAndLog(observations: { type: string; value: string }[][]): {
  live: PartitionState;
  log: ReplayEvent[];
} {
  const live = fresh();
  const seen = new Set<string>();
  const log: ReplayEvent[] = [];
  observations.forEach((o, n) => {
    const out = applyObservation(live, o, tightRules);
    const key = out.identities
      .map((i) => i.key)
      .sort()
      .join('|');
    if (out.identities.length >= 2 && !seen.has(key)) {
      seen.add(key);
      log.push({ at: BigInt(n), kind: 'link', members: out.identities, forced: false });
    }
    for (const a of out.attached)
      log.push({ at: BigInt(n), kind: 'identity', type: a.identity.type, value: a.identity.value });
  });
  return { live, log: log.reverse().sort(compareEvents) };
}

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 1000) };

describe('replaying the log (distinct sets and first sightings, in order)', () => {
  it('gives the partition of applying every observation in order: repeats change nothing', () => {
    fc.assert(
      fc.property(observationsArb, (observations) => {
        const { live, log } = applyAndLog(observations);
        expect(partition(replay(log, tightRules).state)).toEqual(partition(live));
      }),
      runs,
    );
  });

  it('without one identity in any link, gives the partition of never having observed it', () => {
    fc.assert(
      fc.property(observationsArb, identityArb, (observations, x) => {
        const xKey = identityKey(x.type, x.value);
        const { log } = applyAndLog(observations);
        const without = log.map((e) =>
          e.kind === 'link'
            ? { ...e, members: e.members.filter((m) => identityKey(m.type, m.value) !== xKey) }
            : e,
        );
        const reference = applyAndLog(
          observations.map((o) => o.filter((i) => identityKey(i.type, i.value) !== xKey)),
        ).live;
        const split = replay(without, tightRules).state;
        const groups = partition(split).filter((g) => !g.includes(xKey));
        expect(groups).toEqual(partition(reference));
        if (split.profileOf(xKey) !== undefined) expect(partition(split)).toContainEqual([xKey]);
      }),
      runs,
    );
  });
});
