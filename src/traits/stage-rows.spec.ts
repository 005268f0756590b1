import { hashIdentity } from '../erasure/suppression';
import type { TraitDef } from '../trait-definitions/trait-def';
import { BatchIdentities, stageRows } from './stage-rows';

const level: TraitDef = {
  id: 7,
  name: 'level',
  type: 'number',
  sourceKind: 'api',
  version: 2,
  schemaVersion: '1-0-0',
  pii: false,
  exposure: ['profile:read'],
  freshnessSeconds: null,
  values: null,
  description: null,
  owner: null,
  retired: false,
};
const defs = new Map([['level', level]]);
const now = new Date('2026-06-01T12:00:00Z');

describe('stageRows', () => {
  it('normalises each identity and parses each observedAt once per batch, with the same outcome per row', () => {
    const identities = new BatchIdentities();
    const at = '2026-06-01T10:00:00+02:00';
    const rows = [1, 2, 3].map((value) => ({
      identity: { type: 'user_id', value: ' u-1 ' },
      trait: 'level',
      value,
      observedAt: at,
    }));
    const { staged, rejected } = stageRows(rows, defs, 'api', now, new Set(), identities);
    expect(rejected).toEqual([]);
    expect(staged.map((r) => [r[1], r[2], r[6]])).toEqual(
      Array(3).fill(['user_id', 'u-1', '2026-06-01T08:00:00.000Z']),
    );
    expect(identities.of('user_id', ' u-1 ')).toBe(identities.of('user_id', ' u-1 '));
    expect(identities.of('user_id', ' u-1 ').hash).toBe(hashIdentity('user_id', 'u-1'));
  });

  it('rejects every row of a suppressed identity and every row with a bad observedAt, not just the first', () => {
    const erased = { type: 'user_id', value: 'gone' };
    const kept = { type: 'user_id', value: 'kept' };
    const rows = [
      { identity: erased, trait: 'level', value: 1 },
      { identity: erased, trait: 'level', value: 2 },
      { identity: kept, trait: 'level', value: 3, observedAt: 'never' },
      { identity: kept, trait: 'level', value: 4, observedAt: 'never' },
      { identity: kept, trait: 'level', value: 5, observedAt: '2026-06-01T14:00:00Z' },
      { identity: kept, trait: 'level', value: 6 },
    ];
    const suppressed = new Set([hashIdentity('user_id', 'gone')]);
    const { staged, rejected } = stageRows(rows, defs, 'api', now, suppressed);
    expect(rejected.map((r) => [r.index, r.reason.split(':')[0]])).toEqual([
      [0, 'identity'],
      [1, 'identity'],
      [2, 'observedAt'],
      [3, 'observedAt'],
      [4, 'observedAt'],
    ]);
    // A row without observedAt is stamped within the write's millisecond (write-instant.ts).
    expect(staged.map((r) => [r[0], r[6]])).toEqual([
      [5, expect.stringMatching(new RegExp(`^${now.toISOString().slice(0, 23)}\\d{3}Z$`))],
    ]);
  });
});
