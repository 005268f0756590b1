import {
  hashIdentity,
  sharedSuppressionLookup,
  SUPPRESSED_OF,
  suppressedOfInline,
} from './suppression';

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

describe('suppressedOfInline', () => {
  it('puts hashes it computed inline, as one array literal', () => {
    const a = hashIdentity('email', 'a@example.com');
    const b = hashIdentity('user_id', 'u-1');
    expect(suppressedOfInline([a, b])).toBe(
      `SELECT hash FROM erasure_suppression WHERE hash = ANY('{${a},${b}}'::text[])`,
    );
    expect(suppressedOfInline([])).toContain(`ANY('{}'::text[])`);
  });

  it('refuses anything that is not a SHA-256 hex digest', () => {
    expect(() => suppressedOfInline([`${'a'.repeat(63)}'`])).toThrow(/not a SHA-256 hex digest/);
    expect(() => suppressedOfInline(['x'])).toThrow(/not a SHA-256 hex digest/);
  });
});
