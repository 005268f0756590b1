import { writeInstant } from './write-instant';

describe('writeInstant', () => {
  it('stamps writes of one millisecond with distinct, increasing microseconds from it on', () => {
    const now = new Date('2026-06-01T12:00:00.123Z');
    const stamps = Array.from({ length: 50 }, () => writeInstant(now));
    for (const s of stamps) expect(s).toMatch(/^2026-06-01T12:00:00\.12[34]\d{3}Z$/);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('keeps an earlier millisecond as given', () => {
    expect(writeInstant(new Date('2020-01-01T00:00:00Z'))).toMatch(
      /^2020-01-01T00:00:00\.000\d{3}Z$/,
    );
  });
});
