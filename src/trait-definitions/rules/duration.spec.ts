import { durationSeconds } from './duration';

describe('durationSeconds', () => {
  it.each([
    ['45s', 45],
    ['30m', 1800],
    ['2h', 7200],
    ['2d', 172_800],
    ['1w', 604_800],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['', '0m', '2', 'h', '1.5h', '2 h', '2H', '-1d', '01h', '4000w'])(
    'rejects %s',
    (text) => {
      expect(durationSeconds(text)).toBeNull();
    },
  );
});
