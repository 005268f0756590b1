import { bumpSchemaVersion, higherLevel } from './schema-ver';

describe('SchemaVer', () => {
  it.each([
    ['1-0-0', 'breaking', '2-0-0'],
    ['2-3-4', 'breaking', '3-0-0'],
    ['2-3-4', 'revision', '2-4-0'],
    ['2-3-4', 'addition', '2-3-5'],
    ['1-9-9', 'addition', '1-9-10'],
  ] as const)('%s + %s → %s', (from, level, to) => {
    expect(bumpSchemaVersion(from, level)).toBe(to);
  });

  it('refuses a label that is not MODEL-REVISION-ADDITION', () => {
    expect(() => bumpSchemaVersion('1.0.0', 'addition')).toThrow('MODEL-REVISION-ADDITION');
  });

  it('orders levels addition < revision < breaking', () => {
    expect(higherLevel(null, 'addition')).toBe('addition');
    expect(higherLevel('breaking', 'addition')).toBe('breaking');
    expect(higherLevel('addition', 'revision')).toBe('revision');
  });
});
