import { traitSpec } from '../../../../test/factories/trait-definition.factory';
import type { TraitSpec } from '../../../trait-definitions/trait-spec';
import { groupDbtSources } from './dbt-source';

const dbt = (name: string, source: Record<string, unknown>, column?: string): TraitSpec =>
  traitSpec({
    name,
    column: column ?? null,
    source: { kind: 'dbt', ...source },
  });

const players = {
  model: 'model.game.players',
  identities: [{ column: 'id', type: 'user_id' }],
  cursor: 'updated_at',
};

describe('groupDbtSources', () => {
  it('groups traits by model, with defaults, ignoring other kinds', () => {
    const sources = groupDbtSources([
      dbt('ltv', players, 'lifetime'),
      dbt('level', players),
      dbt('segment', {
        model: 'seg',
        identities: [{ column: 'u', type: 'user_id' }],
        absent: 'clear',
      }),
      traitSpec({ name: 'api_one' }),
    ]);
    expect(
      sources.map((s) => [
        s.model,
        s.traits.map((t) => `${t.trait}:${t.column}`),
        s.absent,
        s.cursor,
      ]),
    ).toEqual([
      ['model.game.players', ['level:level', 'ltv:lifetime'], 'keep', 'updated_at'],
      ['seg', ['segment:segment'], 'clear', null],
    ]);
    expect(sources.every((s) => s.conflict === null)).toBe(true);
  });

  it('flags definitions of one model that read it differently', () => {
    const [source] = groupDbtSources([
      dbt('a', players),
      dbt('b', { ...players, cursor: 'changed_at', relation: 'x.y' }),
    ]);
    expect(source.conflict).toBe(
      'traits a and b read model model.game.players differently (relation, cursor)',
    );
  });
});
