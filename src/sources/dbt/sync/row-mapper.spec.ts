import type { ReadPlan } from '../warehouse/read-plan';
import { mapBatch, valueOf } from './row-mapper';

const plan: ReadPlan = {
  select: '',
  orderBy: '',
  identities: [
    { index: 0, type: 'user_id', column: 'player_id' },
    { index: 1, type: 'email', column: 'email' },
  ],
  cursor: {
    index: 2,
    kind: 'timestamp',
    sqlType: 'timestamp with time zone',
    column: 'updated_at',
  },
  traits: [
    { index: 3, trait: 'ltv', kind: 'number' },
    { index: 4, trait: 'vip', kind: 'boolean' },
  ],
  width: 5,
};
const runStart = new Date('2024-07-01T00:00:00Z');

describe('mapBatch', () => {
  it('writes each trait once per row through the first non-null identity, observed at the cursor', () => {
    const out = mapBatch(
      [
        ['42', 'a@b.c', '2024-06-01T00:00:00.000001Z', '12.50', 't'],
        [null, 'x@y.z', '2024-06-02T00:00:00.000000Z', null, 'f'],
        [' ', null, null, '1', 't'],
      ],
      plan,
      runStart,
    );
    expect(out.writes).toEqual([
      {
        identity: { type: 'user_id', value: '42' },
        trait: 'ltv',
        value: 12.5,
        observedAt: '2024-06-01T00:00:00.000001Z',
      },
      {
        identity: { type: 'user_id', value: '42' },
        trait: 'vip',
        value: true,
        observedAt: '2024-06-01T00:00:00.000001Z',
      },
      {
        identity: { type: 'email', value: 'x@y.z' },
        trait: 'ltv',
        value: null,
        observedAt: '2024-06-02T00:00:00.000000Z',
      },
      {
        identity: { type: 'email', value: 'x@y.z' },
        trait: 'vip',
        value: false,
        observedAt: '2024-06-02T00:00:00.000000Z',
      },
    ]);
    // Only the first row carries two identities: they are observed together.
    expect(out.together).toEqual([
      {
        identities: [
          { type: 'user_id', value: '42' },
          { type: 'email', value: 'a@b.c' },
        ],
        at: new Date('2024-06-01T00:00:00.000Z'),
      },
    ]);
    expect(out.rowsWithoutIdentity).toBe(1);
    expect(out.identities).toHaveLength(2);
    expect(out.lastCursor).toBeNull();
  });

  it('uses the run start when there is no time cursor, and reports the last cursor value', () => {
    const numeric: ReadPlan = {
      ...plan,
      cursor: { index: 2, kind: 'number', sqlType: 'bigint', column: 'version' },
    };
    const out = mapBatch(
      [
        ['1', null, '7', '3', 'f'],
        ['2', null, '9', '4', 't'],
      ],
      numeric,
      runStart,
    );
    expect(out.writes[0].observedAt).toBe(runStart);
    expect(out.lastCursor).toBe('9');
  });
});

describe('valueOf', () => {
  it('reads Postgres text output per column kind', () => {
    expect(valueOf('123456789012.25', 'number')).toBe(123456789012.25);
    expect(valueOf('NaN', 'number')).toBeNaN();
    expect(valueOf('f', 'boolean')).toBe(false);
    expect(valueOf('{"a":[1,2]}', 'json')).toEqual({ a: [1, 2] });
    expect(valueOf('2024-01-01T00:00:00.000000Z', 'timestamp')).toBe('2024-01-01T00:00:00.000000Z');
    expect(valueOf(null, 'text')).toBeNull();
  });
});
