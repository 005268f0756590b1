import { folderCycleFaults } from './audience-cycles';
import type { RuleContext } from './rule-semantics';
import { checkRule } from './rule-validator';

const ctx: RuleContext = {
  trait: (name) =>
    ({
      ltv: { type: 'number' as const, values: null, retired: false },
      country: { type: 'category' as const, values: ['KH', 'TH'], retired: false },
      seen: { type: 'timestamp' as const, values: null, retired: false },
      old: { type: 'number' as const, values: null, retired: true },
    })[name],
  audience: (slug) => (slug === 'vip' ? 'active' : slug === 'gone' ? 'archived' : undefined),
};

const faults = (rule: unknown) => {
  const r = checkRule(rule, ctx);
  return r.ok ? [] : r.faults;
};

describe('rule checks', () => {
  it('accepts the SPEC example shape', () => {
    const spec = {
      all: [
        { trait: 'ltv', op: 'gt', value: 50 },
        { trait: 'country', op: 'in', value: ['KH', 'TH'] },
        { not: { event: 'Session Started', within: '7d' } },
        {
          event: 'Order Completed',
          count: { gte: 2 },
          within: '30d',
          where: [{ property: 'revenue', op: 'gt', value: 10 }],
        },
        { funnel: [{ event: 'Shop Viewed' }, { event: 'Order Completed' }], within: '1d' },
        { any: [{ identity: 'email', op: 'exists' }, { audience: 'vip' }] },
      ],
    };
    expect(faults(spec)).toEqual([]);
  });

  it('names each fault by its JSON pointer', () => {
    expect(faults({ all: [{ trait: 'ltv', op: 'gt', value: '50' }] })).toEqual([
      { pointer: '/all/0/value', rule: 'must be a number' },
    ]);
    expect(faults({ any: [{ trait: 'country', op: 'eq', value: 'FR' }] })).toEqual([
      { pointer: '/any/0/value', rule: 'must be one of KH, TH' },
    ]);
    expect(faults({ not: { trait: 'seen', op: 'within_last', value: '7 days' } })).toEqual([
      { pointer: '/not/value', rule: 'must be a duration like 30m, 2h, 7d or 1w' },
    ]);
    expect(faults({ trait: 'old', op: 'exists' })).toEqual([
      { pointer: '/trait', rule: 'trait old is retired' },
    ]);
    expect(faults({ audience: 'gone' })).toEqual([
      { pointer: '/audience', rule: 'audience gone is archived' },
    ]);
    expect(faults({ event: 'E', within: '1d', last: { op: 'within_last', value: '1d' } })).toEqual([
      { pointer: '/last', rule: 'cannot be combined with count or within' },
    ]);
    expect(faults({ event: 'E', count: { eq: 1, gte: 1 } })).toEqual([
      { pointer: '/count', rule: 'eq cannot be combined with gte or lte' },
    ]);
    expect(faults({ funnel: [{ event: 'A' }], within: '1d' })).toEqual([
      { pointer: '/funnel', rule: 'must list at least 2 steps (or add then_not)' },
    ]);
    expect(faults({ trait: 'ltv', op: 'exists', value: 1 })).toEqual([
      { pointer: '/value', rule: 'takes no value with op exists' },
    ]);
    expect(faults({ trait: 'ltv', op: 'between', value: [5, 1] })).toEqual([
      { pointer: '/value', rule: 'low must not be above high' },
    ]);
    expect(faults({ trait: 'audience:vip', op: 'eq', value: true })).toEqual([
      { pointer: '/trait', rule: 'membership is read with { "audience": "vip" }' },
    ]);
  });

  it('limits size and depth', () => {
    let deep: unknown = { trait: 'ltv', op: 'exists' };
    for (let i = 0; i < 9; i++) deep = { not: deep };
    expect(faults(deep)).toEqual([{ pointer: '', rule: 'nests groups 9 deep; at most 8' }]);
    const wide = {
      any: Array.from({ length: 50 }, () => ({
        all: [
          { trait: 'ltv', op: 'exists' },
          { trait: 'ltv', op: 'exists' },
          { trait: 'ltv', op: 'exists' },
        ],
      })),
    };
    expect(faults(wide)[0].rule).toBe('has 150 conditions; at most 100');
  });

  it('finds cycles among audiences, however long', () => {
    const rules = new Map<string, any>([
      ['a', { audience: 'b' }],
      ['b', { any: [{ trait: 'ltv', op: 'exists' }, { audience: 'c' }] }],
      ['c', { not: { audience: 'a' } }],
      ['d', { audience: 'a' }],
    ]);
    expect(folderCycleFaults(rules).map((f) => [f.slug, f.fault.pointer, f.fault.rule])).toEqual([
      ['a', '/audience', 'audiences may not depend on themselves: a → b → c → a'],
      ['b', '/any/1/audience', 'audiences may not depend on themselves: b → c → a → b'],
      ['c', '/not/audience', 'audiences may not depend on themselves: c → a → b → c'],
    ]);
  });
});
