import { SUPPRESSED_OF, sharedSuppressionLookup } from './suppression';

describe('sharedSuppressionLookup', () => {
  it('answers the callers of one event-loop turn with one query, each with its own hashes', async () => {
    const queries: unknown[][] = [];
    const lookup = sharedSuppressionLookup((sql, params) => {
      expect(sql).toBe(SUPPRESSED_OF);
      queries.push(params);
      return Promise.resolve([{ hash: 'b' }, { hash: 'c' }]);
    });
    const [first, second, none] = await Promise.all([
      lookup(['a', 'b', null]),
      lookup(['c', 'b']),
      lookup([null]),
    ]);
    expect(queries).toEqual([[['a', 'b', 'c']]]);
    expect([...first]).toEqual(['b']);
    expect([...second].sort()).toEqual(['b', 'c']);
    expect(none.size).toBe(0);
    // The next turn asks again: nothing is cached between turns.
    await lookup(['a']);
    expect(queries).toHaveLength(2);
  });

  it('fails every caller of the turn when the query fails', async () => {
    const lookup = sharedSuppressionLookup(() => Promise.reject(new Error('database down')));
    const results = await Promise.allSettled([lookup(['a']), lookup(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
