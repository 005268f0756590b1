import type { TraitSpec } from '../trait-spec';
import { traitSpecRules } from './trait-spec.rules';

function spec(overrides: Partial<TraitSpec> = {}): TraitSpec {
  return {
    name: 'lifetime_value',
    type: 'number',
    description: null,
    owner: null,
    pii: false,
    exposure: ['profile:read', 'admin'],
    freshness: null,
    column: null,
    values: null,
    source: { kind: 'dbt' },
    ...overrides,
  };
}

// The same rules hold for definitions from any origin (dbt manifest, API), not only files.
describe('traitSpecRules', () => {
  it('accepts a plain definition', () => {
    expect(traitSpecRules(spec())).toEqual([]);
  });

  it('allows audience:<slug> names only for the audience source, and requires them there', () => {
    expect(
      traitSpecRules(
        spec({ name: 'audience:whales_kh', type: 'boolean', source: { kind: 'audience' } }),
      ),
    ).toEqual([]);
    expect(traitSpecRules(spec({ name: 'audience:whales' }))).toEqual([
      {
        field: 'name',
        rule: 'names beginning with "audience:" are reserved for audience membership traits',
      },
    ]);
    expect(traitSpecRules(spec({ name: 'whales', source: { kind: 'audience' } }))).toEqual([
      { field: 'name', rule: 'audience traits must be named audience:<slug>' },
    ]);
    expect(
      traitSpecRules(spec({ name: 'audience:Whales!', source: { kind: 'audience' } }))[0].field,
    ).toBe('name');
  });

  it('rejects an unknown type, source kind, scope and an empty column', () => {
    const rules = traitSpecRules(
      spec({
        type: 'decimal' as never,
        exposure: ['root'],
        column: '',
        source: { kind: 'kafka' as never },
      }),
    );
    expect(rules.map((r) => r.field)).toEqual(['type', 'exposure', 'column', 'source']);
  });

  it('rejects an empty exposure list, bad freshness, and values off category', () => {
    expect(traitSpecRules(spec({ exposure: [] }))).toEqual([
      { field: 'exposure', rule: 'must list at least one scope' },
    ]);
    expect(traitSpecRules(spec({ freshness: '5 min' }))[0].field).toBe('freshness');
    expect(traitSpecRules(spec({ values: ['a'] }))).toEqual([
      { field: 'values', rule: 'only allowed for type category' },
    ]);
    expect(traitSpecRules(spec({ type: 'category', values: ['a', 'a'] }))).toEqual([
      { field: 'values', rule: 'must not repeat a value' },
    ]);
  });
});
