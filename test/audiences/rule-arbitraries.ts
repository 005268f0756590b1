import fc from 'fast-check';
import type { PropertyFilter, Rule } from '../../src/audiences/rule/rule.types';

// Random rules and random profiles over one small, fixed catalogue, for the property test that
// the compiled SQL and the in-memory evaluator agree. Times come from a half-hour grid around a
// fixed evaluation time, so events land exactly on window edges often.

export const AS_OF = Date.parse('2026-06-01T12:00:00.000Z');
const HALF_HOUR = 30 * 60_000;

export const TRAITS = {
  n_num: 'number',
  s_str: 'string',
  c_cat: 'category',
  b_bool: 'boolean',
  t_time: 'timestamp',
  j_json: 'json',
} as const;
export type TraitName = keyof typeof TRAITS;
export const MEMBERSHIPS = ['vip', 'lapsed'];
const IDENTITY_TYPES = ['user_id', 'email', 'device_id'];
const EVENTS = ['View', 'Buy', 'Play'];
const DURATIONS = ['30m', '1h', '2h', '1d', '2d', '7d'];

const grid = (min: number, max: number) =>
  fc.integer({ min, max }).map((k) => new Date(AS_OF - k * HALF_HOUR).toISOString());
const time = grid(-4, 400);
const duration = fc.constantFrom(...DURATIONS);

const numbers = fc.constantFrom(-1, 0, 0.5, 1, 2, 3, 10, 50.25, 100);
const strings = fc.constantFrom('', 'a', 'ab', 'abc', 'b', 'ba', 'KH', 'kh', 'é');
const categories = fc.constantFrom('a', 'b', 'c');

// A stored value of each type; sometimes a value of another type (left from a type change).
const valueOf: Record<TraitName, fc.Arbitrary<unknown>> = {
  n_num: fc.oneof({ weight: 8, arbitrary: numbers }, { weight: 1, arbitrary: strings }),
  s_str: fc.oneof({ weight: 8, arbitrary: strings }, { weight: 1, arbitrary: numbers }),
  c_cat: categories,
  b_bool: fc.oneof({ weight: 8, arbitrary: fc.boolean() }, { weight: 1, arbitrary: strings }),
  t_time: fc.oneof({ weight: 8, arbitrary: time }, { weight: 1, arbitrary: fc.constant('soon') }),
  j_json: fc.oneof(numbers, strings, fc.constant({ a: 1 }), fc.constant([1, 2])),
};

function traitCondition(name: TraitName): fc.Arbitrary<Rule> {
  const presence = fc.constantFrom('exists', 'missing').map((op) => ({ trait: name, op }));
  const eqLike = (values: fc.Arbitrary<unknown>) =>
    fc.oneof(
      fc.record({ trait: fc.constant(name), op: fc.constantFrom('eq', 'ne'), value: values }),
      fc.record({
        trait: fc.constant(name),
        op: fc.constant('in'),
        value: fc.array(values, { minLength: 1, maxLength: 3 }),
      }),
    );
  const between = <T>(values: fc.Arbitrary<T>, order: (a: T, b: T) => number) =>
    fc.tuple(values, values).map(([a, b]) => ({
      trait: name,
      op: 'between',
      value: order(a, b) <= 0 ? [a, b] : [b, a],
    }));
  switch (TRAITS[name]) {
    case 'number':
      return fc.oneof(
        presence,
        eqLike(numbers),
        fc.record({
          trait: fc.constant(name),
          op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
          value: numbers,
        }),
        between(numbers, (a, b) => a - b),
      ) as fc.Arbitrary<Rule>;
    case 'string':
    case 'category':
      return fc.oneof(
        presence,
        eqLike(name === 'c_cat' ? categories : strings),
        fc.record({
          trait: fc.constant(name),
          op: fc.constantFrom('contains', 'starts_with'),
          value: strings.filter((s) => s.length > 0),
        }),
      );
    case 'boolean':
      return fc.oneof(
        presence,
        fc.record({
          trait: fc.constant(name),
          op: fc.constantFrom('eq', 'ne'),
          value: fc.boolean(),
        }),
      );
    case 'timestamp':
      return fc.oneof(
        presence,
        fc.record({
          trait: fc.constant(name),
          op: fc.constantFrom('before', 'after'),
          value: time,
        }),
        fc.record({
          trait: fc.constant(name),
          op: fc.constantFrom('within_last', 'more_than_ago'),
          value: duration,
        }),
        between(time, (a, b) => Date.parse(a) - Date.parse(b)),
      ) as fc.Arbitrary<Rule>;
    case 'json':
      return presence;
  }
}

const filter: fc.Arbitrary<PropertyFilter> = fc.oneof(
  fc.record({
    property: fc.constantFrom('amount', 'sku', 'flag', 'nested.k', 'none'),
    op: fc.constantFrom('exists', 'missing'),
  }),
  fc.record({
    property: fc.constantFrom('amount', 'sku', 'flag', 'nested.k'),
    op: fc.constantFrom('eq', 'ne'),
    value: fc.oneof(numbers, strings, fc.boolean()),
  }),
  fc.record({
    property: fc.constantFrom('amount', 'sku'),
    op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
    value: numbers,
  }),
  fc.record({
    property: fc.constantFrom('sku', 'nested.k'),
    op: fc.constantFrom('contains', 'starts_with'),
    value: fc.constantFrom('a', 'b', 'x'),
  }),
  fc.record({
    property: fc.constantFrom('amount', 'sku'),
    op: fc.constant('in'),
    value: fc.array(fc.oneof(numbers, strings), { minLength: 1, maxLength: 3 }),
  }),
  fc.tuple(numbers, numbers).map(([a, b]) => ({
    property: 'amount',
    op: 'between',
    value: [Math.min(a, b), Math.max(a, b)],
  })),
) as fc.Arbitrary<PropertyFilter>;

const where = fc.option(fc.array(filter, { minLength: 1, maxLength: 2 }), { nil: undefined });
const step = fc.record({ event: fc.constantFrom(...EVENTS), where }, { requiredKeys: ['event'] });

const count = fc.oneof(
  fc.record({ gte: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ lte: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ eq: fc.integer({ min: 0, max: 3 }) }),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
    .map(([a, b]) => ({ gte: a, lte: a + b })),
);

const eventCondition: fc.Arbitrary<Rule> = fc.oneof(
  fc.record(
    { event: fc.constantFrom(...EVENTS), where, count, within: duration },
    { requiredKeys: ['event'] },
  ),
  fc.record(
    {
      event: fc.constantFrom(...EVENTS),
      where,
      last: fc.record({ op: fc.constantFrom('within_last', 'more_than_ago'), value: duration }),
    },
    { requiredKeys: ['event', 'last'] },
  ),
);

const funnelCondition: fc.Arbitrary<Rule> = fc.oneof(
  fc.record(
    {
      funnel: fc.array(step, { minLength: 2, maxLength: 3 }),
      within: duration,
      lookback: duration,
    },
    { requiredKeys: ['funnel', 'within'] },
  ),
  fc.record(
    {
      funnel: fc.array(step, { minLength: 1, maxLength: 2 }),
      within: duration,
      then_not: step,
      lookback: duration,
    },
    { requiredKeys: ['funnel', 'within', 'then_not'] },
  ),
);

const condition: fc.Arbitrary<Rule> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...(Object.keys(TRAITS) as TraitName[])).chain(traitCondition),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      identity: fc.constantFrom(...IDENTITY_TYPES),
      op: fc.constantFrom('exists', 'missing'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ audience: fc.constantFrom(...MEMBERSHIPS) }),
  },
  { weight: 3, arbitrary: eventCondition },
  { weight: 2, arbitrary: funnelCondition },
);

export const ruleArb: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: condition },
    {
      weight: 1,
      arbitrary: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    },
    {
      weight: 1,
      arbitrary: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    },
    { weight: 1, arbitrary: tie('rule').map((not) => ({ not })) },
  ),
})).rule;

// One profile's history: revisions per trait (with zero-length ones), identities, events.
export interface RevisionData {
  value: unknown;
  from: string;
  to: string | null;
}
export interface ProfileData {
  createdAt: string;
  merged: boolean;
  traits: Record<string, RevisionData[]>;
  identities: { type: string; firstSeen: string }[];
  events: { event: string; at: string; properties: Record<string, unknown> }[];
}

const properties = fc.record(
  {
    amount: fc.oneof(numbers, strings),
    sku: strings,
    flag: fc.boolean(),
    nested: fc.record({ k: fc.constantFrom('xa', 'yb', 'x') }),
  },
  { requiredKeys: [] },
);

// A trait's timeline: values from increasing grid times; the last one is current.
function timeline(value: fc.Arbitrary<unknown>): fc.Arbitrary<RevisionData[]> {
  return fc
    .array(
      fc.tuple(
        fc.option(value, { nil: null, freq: 6 }),
        fc.integer({ min: -4, max: 300 }),
        fc.boolean(),
      ),
      {
        maxLength: 3,
      },
    )
    .map((raw) => {
      const sorted = [...new Map(raw.map(([v, k, zero]) => [k, { v, k, zero }])).values()].sort(
        (a, b) => b.k - a.k,
      );
      return sorted.map((r, i) => {
        const from = new Date(AS_OF - r.k * HALF_HOUR).toISOString();
        const next = sorted[i + 1];
        const to = next ? new Date(AS_OF - next.k * HALF_HOUR).toISOString() : null;
        // A zero-length revision: history only, never in force.
        return { value: r.v, from, to: r.zero && next ? from : to };
      });
    });
}

export const profileArb: fc.Arbitrary<ProfileData> = fc.record({
  createdAt: fc.oneof(
    { weight: 6, arbitrary: grid(0, 400) },
    { weight: 1, arbitrary: grid(-3, -1) },
  ),
  merged: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  traits: fc.record(
    Object.fromEntries(
      [...Object.keys(TRAITS), ...MEMBERSHIPS.map((m) => `audience:${m}`)].map((name) => [
        name,
        timeline(name.startsWith('audience:') ? fc.boolean() : valueOf[name as TraitName]),
      ]),
    ),
  ),
  identities: fc.uniqueArray(
    fc.record({ type: fc.constantFrom(...IDENTITY_TYPES), firstSeen: grid(-2, 400) }),
    { selector: (i) => i.type, maxLength: 3 },
  ),
  events: fc.array(fc.record({ event: fc.constantFrom(...EVENTS), at: time, properties }), {
    maxLength: 8,
  }),
});
