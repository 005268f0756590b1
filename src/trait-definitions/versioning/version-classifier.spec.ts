import type { TraitSpec } from '../trait-spec';
import { classifyChange } from './version-classifier';

function spec(overrides: Partial<TraitSpec> = {}): TraitSpec {
  return {
    name: 'lifetime_value',
    type: 'number',
    description: 'Purchases minus refunds, USD',
    owner: 'analytics-engineering',
    pii: false,
    exposure: ['profile:read', 'profile:read:pii', 'admin'],
    freshness: '2h',
    column: 'ltv',
    values: null,
    source: {
      kind: 'dbt',
      model: 'model.game.player_stats',
      identities: [{ column: 'player_id', type: 'user_id' }],
      schedule: '*/30 * * * *',
      file: 'player_stats.yaml',
    },
    ...overrides,
  };
}

const dbt = (overrides: Record<string, unknown>) => ({ ...spec().source, ...overrides });

describe('classifyChange', () => {
  it('finds no change in an identical spec, whatever the key order', () => {
    const reordered = JSON.parse(
      JSON.stringify(spec(), Object.keys(spec()).reverse()),
    ) as TraitSpec;
    expect(classifyChange(spec(), { ...reordered, source: { ...spec().source } })).toEqual({
      level: null,
      reasons: [],
    });
  });

  it.each<[string, Partial<TraitSpec>, string]>([
    ['type', { type: 'string' }, 'type number → string'],
    [
      'source kind',
      { source: { kind: 'notebook', notebook: 'n.ipynb' } },
      'source kind dbt → notebook',
    ],
    [
      'dbt model',
      { source: dbt({ model: 'model.game.player_ltv' }) },
      'source model model.game.player_stats → model.game.player_ltv',
    ],
  ])('classifies a %s change as breaking', (_label, change, reason) => {
    expect(classifyChange(spec(), spec(change))).toEqual({ level: 'breaking', reasons: [reason] });
  });

  it('classifies a notebook path change as breaking, other notebook keys as additions', () => {
    const nb = (over: Record<string, unknown>) =>
      spec({ source: { kind: 'notebook', notebook: 'a.ipynb', timeout: '15m', ...over } });
    expect(classifyChange(nb({}), nb({ notebook: 'b.ipynb' }))).toEqual({
      level: 'breaking',
      reasons: ['source notebook a.ipynb → b.ipynb'],
    });
    expect(classifyChange(nb({}), nb({ timeout: '30m' }))).toEqual({
      level: 'addition',
      reasons: ['source.timeout 15m → 30m'],
    });
  });

  it.each<[string, Partial<TraitSpec>, string]>([
    ['pii', { pii: true }, 'pii false → true'],
    [
      'exposure',
      { exposure: ['admin'] },
      'exposure ["profile:read","profile:read:pii","admin"] → ["admin"]',
    ],
    ['freshness', { freshness: '1d' }, 'freshness 2h → 1d'],
    ['freshness removed', { freshness: null }, 'freshness 2h → none'],
    ['column', { column: 'lifetime_value' }, 'column ltv → lifetime_value'],
  ])('classifies a %s change as a revision', (_label, change, reason) => {
    expect(classifyChange(spec(), spec(change))).toEqual({ level: 'revision', reasons: [reason] });
  });

  it.each<[string, Partial<TraitSpec>, string]>([
    ['description', { description: 'Net revenue' }, 'description changed'],
    ['owner', { owner: 'finance' }, 'owner analytics-engineering → finance'],
    [
      'schedule',
      { source: dbt({ schedule: '0 * * * *' }) },
      'source.schedule */30 * * * * → 0 * * * *',
    ],
    ['cursor added', { source: dbt({ cursor: 'updated_at' }) }, 'source.cursor none → updated_at'],
    [
      'identities',
      { source: dbt({ identities: [] }) },
      'source.identities [{"column":"player_id","type":"user_id"}] → []',
    ],
    [
      'file',
      { source: dbt({ file: 'stats/ltv.yaml' }) },
      'source.file player_stats.yaml → stats/ltv.yaml',
    ],
  ])('classifies a %s change as an addition', (_label, change, reason) => {
    expect(classifyChange(spec(), spec(change))).toEqual({ level: 'addition', reasons: [reason] });
  });

  it('treats removed category values as a revision and added ones as an addition', () => {
    const tier = (values: string[]) => spec({ type: 'category', values });
    expect(classifyChange(tier(['a', 'b']), tier(['a', 'b', 'c']))).toEqual({
      level: 'addition',
      reasons: ['values added: c'],
    });
    expect(classifyChange(tier(['a', 'b']), tier(['a']))).toEqual({
      level: 'revision',
      reasons: ['values removed: b'],
    });
    expect(classifyChange(tier(['a', 'b']), tier(['b', 'a']))).toEqual({
      level: 'addition',
      reasons: ['values reordered'],
    });
    expect(classifyChange(tier(['a', 'b']), tier(['a', 'c']))).toEqual({
      level: 'revision',
      reasons: ['values removed: b', 'values added: c'],
    });
  });

  it('takes the highest level and lists every reason', () => {
    const result = classifyChange(spec(), spec({ type: 'string', pii: true, owner: 'x' }));
    expect(result).toEqual({
      level: 'breaking',
      reasons: ['type number → string', 'pii false → true', 'owner analytics-engineering → x'],
    });
  });

  it('does not list per-key source differences when the kind itself changed', () => {
    const result = classifyChange(
      spec(),
      spec({ source: { kind: 'api', file: 'player_stats.yaml' } }),
    );
    expect(result).toEqual({ level: 'breaking', reasons: ['source kind dbt → api'] });
  });

  it('still versions a change in a field it does not know', () => {
    const next = { ...spec(), lineage: 'x' } as TraitSpec;
    expect(classifyChange(spec(), next)).toEqual({
      level: 'addition',
      reasons: ['definition changed'],
    });
  });

  it('shortens long values in reasons', () => {
    const long = 'x'.repeat(200);
    const { reasons } = classifyChange(spec(), spec({ owner: long }));
    expect(reasons[0].length).toBeLessThan(160);
    expect(reasons[0]).toContain('…');
  });
});
