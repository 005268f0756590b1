import type { TraitDef } from '../trait-definitions/trait-def';
import type { StoredValue } from '../traits/stored-value';
import { traitStatus } from '../traits/trait-status';
import { statusChangeAt } from './trait-view';

const def = (id: number, freshnessSeconds: number | null) =>
  ({ id, name: `t${id}`, freshnessSeconds }) as TraitDef;
const stored = (traitId: number, lastObservedAt: Date, value: unknown = 1) =>
  ({ traitId, value, lastObservedAt }) as StoredValue;

describe('statusChangeAt', () => {
  const defs = new Map([
    [1, def(1, 60)],
    [2, def(2, 10)],
    [3, def(3, null)],
  ]);
  const now = new Date('2026-06-01T12:00:00Z');
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it('is the first moment a shown value turns stale, as traitStatus decides it', () => {
    const values = [stored(1, ago(30)), stored(2, ago(5)), stored(3, ago(1_000))];
    const at = statusChangeAt(defs, values, now);
    expect(at).toBe(now.getTime() + 5_000 + 1);
    expect(traitStatus(defs.get(2)!, values[1], new Date(at - 1))).toBe('present');
    expect(traitStatus(defs.get(2)!, values[1], new Date(at))).toBe('stale');
  });

  it('is Infinity when nothing will change: no freshness, already stale, or no value', () => {
    expect(
      statusChangeAt(defs, [stored(3, ago(1)), stored(2, ago(20)), stored(1, ago(1), null)], now),
    ).toBe(Infinity);
  });
});
