import { readInstants } from './read-instants';

const d = (iso: string) => new Date(iso);
const now = d('2026-06-01T12:00:00Z');

describe('readInstants', () => {
  it('is null without asOf and knownAt: the current view', () => {
    expect(readInstants(undefined, null, now)).toBeNull();
  });

  it('defaults knownAt to now and reads the identity graph at the earlier of the two', () => {
    expect(readInstants(d('2026-05-01T00:00:00Z'), undefined, now)).toEqual({
      asOf: d('2026-05-01T00:00:00Z'),
      knownAt: now,
      graphAt: d('2026-05-01T00:00:00Z'),
    });
    expect(readInstants(d('2026-07-01T00:00:00Z'), d('2026-05-01T00:00:00Z'), now)).toEqual({
      asOf: d('2026-07-01T00:00:00Z'),
      knownAt: d('2026-05-01T00:00:00Z'),
      graphAt: d('2026-05-01T00:00:00Z'),
    });
  });

  it('defaults asOf to knownAt: what was answered then', () => {
    const k = d('2026-05-02T00:00:00Z');
    expect(readInstants(undefined, k, now)).toEqual({ asOf: k, knownAt: k, graphAt: k });
  });

  it('refuses a knownAt in the future, naming the field', () => {
    expect(() => readInstants(null, d('2026-06-01T12:00:01Z'), now, 'at')).toThrow(
      'at: must not be in the future',
    );
  });
});
