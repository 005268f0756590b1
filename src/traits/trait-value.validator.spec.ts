import type { TraitDef } from '../trait-definitions/trait-def';
import { checkTraitValue } from './trait-value.validator';

function def(overrides: Partial<TraitDef>): TraitDef {
  return {
    id: 1, name: 'x', type: 'number', sourceKind: 'api', version: 1, schemaVersion: '1-0-0', pii: false,
    exposure: ['profile:read'], freshnessSeconds: null, values: null, description: null, owner: null, retired: false,
    ...overrides,
  };
}

describe('checkTraitValue', () => {
  it.each([
    ['number', 3.5, 3.5],
    ['boolean', false, false],
    ['string', 'abc', 'abc'],
    ['json', { a: [1, 2] }, { a: [1, 2] }],
    ['timestamp', '2026-03-01T10:00:00+07:00', '2026-03-01T03:00:00.000Z'],
  ] as const)('accepts a %s and normalises it', (type, value, stored) => {
    expect(checkTraitValue(def({ type }), value)).toEqual({ ok: true, value: stored });
  });

  it.each([
    ['number', '12', /finite number/],
    ['number', Number.NaN, /finite number/],
    ['number', Number.POSITIVE_INFINITY, /finite number/],
    ['boolean', 'true', /boolean/],
    ['string', 7, /string/],
    ['timestamp', 'not a date', /ISO-8601/],
    ['timestamp', 12, /ISO-8601/],
  ] as const)('rejects a %s given %p', (type, value, reason) => {
    const res = checkTraitValue(def({ type }), value);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toMatch(reason);
  });

  it('checks category values against the declared list', () => {
    const category = def({ type: 'category', values: ['gold', 'silver'] });
    expect(checkTraitValue(category, 'gold')).toEqual({ ok: true, value: 'gold' });
    const res = checkTraitValue(category, 'bronze');
    expect(!res.ok && res.reason).toBe('value: must be one of gold, silver for category trait x');
  });

  it('lets null clear any type but not undefined', () => {
    expect(checkTraitValue(def({ type: 'boolean' }), null)).toEqual({ ok: true, value: null });
    expect(checkTraitValue(def({ type: 'boolean' }), undefined).ok).toBe(false);
  });
});
