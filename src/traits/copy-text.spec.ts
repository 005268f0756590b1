import { copyLine } from './copy-text';

describe('copyLine', () => {
  it('escapes the characters COPY text format gives meaning to', () => {
    expect(copyLine(['a\tb', 'c\nd', 'e\\f', 'g\rh', null, 5])).toBe('a\\tb\tc\\nd\te\\\\f\tg\\rh\t\\N\t5\n');
  });
});
