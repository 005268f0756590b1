import type { RunResult } from '../artifacts/run-results';
import { decideSync, resultOf } from './sync-decision';

function results(...rs: Partial<RunResult>[]): Map<string, RunResult> {
  return new Map(
    rs.map((r) => [
      r.uniqueId as string,
      { status: 'success', message: null, failures: null, ...r } as RunResult,
    ]),
  );
}

describe('sync decisions', () => {
  const model = 'model.game.player_stats';

  it('syncs a successful model whose tests passed or warned', () => {
    const rs = results(
      { uniqueId: model },
      { uniqueId: 'test.game.a', status: 'pass' },
      { uniqueId: 'test.game.b', status: 'warn' },
    );
    expect(decideSync(rs.get(model)!, ['test.game.a', 'test.game.b'], rs)).toEqual({ sync: true });
  });

  it('skips a model that errored, with dbt message', () => {
    const rs = results({
      uniqueId: model,
      status: 'error',
      message: 'Database Error: relation does not exist',
    });
    expect(decideSync(rs.get(model)!, [], rs)).toEqual({
      sync: false,
      reason: 'dbt error: Database Error: relation does not exist',
    });
  });

  it('skips a model whose test failed, naming the tests', () => {
    const rs = results(
      { uniqueId: model },
      { uniqueId: 'test.game.u', status: 'fail', failures: 3 },
      { uniqueId: 'test.game.n', status: 'error' },
    );
    const d = decideSync(rs.get(model)!, ['test.game.u', 'test.game.n', 'test.game.not_run'], rs);
    expect(d).toEqual({
      sync: false,
      reason: 'dbt tests did not pass: test.game.u (fail, 3 failing row(s)), test.game.n (error)',
    });
  });

  it('matches a bare model name to model.<package>.<name>', () => {
    const rs = results({ uniqueId: model }, { uniqueId: 'seed.game.player_stats' });
    expect(resultOf('player_stats', rs)?.uniqueId).toBe(model);
    expect(resultOf('model.other.player_stats', rs)).toBeUndefined();
    expect(resultOf('missing', rs)).toBeUndefined();
  });
});
