import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIssue } from '../../common/yaml/yaml-issue';
import { loadDefinitionsDir } from './definitions.loader';

const API_FILE = (...names: string[]) =>
  `source: { kind: api }\ntraits:\n${names.map((n) => `  - { name: ${n}, type: string }\n`).join('')}`;

describe('loadDefinitionsDir', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'traitbase-defs-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(files: Record<string, string>): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  }

  it('reads .yaml and .yml files, recursing into subfolders, in name order', async () => {
    await write({
      'b.yml': API_FILE('b'),
      'a.yaml': API_FILE('a'),
      'more/c.yaml': API_FILE('c'),
      'notes.md': '# x',
    });
    const loaded = await loadDefinitionsDir(dir);
    expect(loaded.issues).toEqual([]);
    expect(loaded.files).toEqual(['a.yaml', 'b.yml', 'more/c.yaml']);
    expect(loaded.specs.map((s) => [s.name, s.source.file])).toEqual([
      ['a', 'a.yaml'],
      ['b', 'b.yml'],
      ['c', 'more/c.yaml'],
    ]);
  });

  it('skips identity.yaml, hidden files and the folders other features own', async () => {
    const broken = 'this: is: not: a definition';
    await write({
      'identity.yaml': broken,
      'events/page_viewed.yaml': broken,
      'audiences/whales.yaml': broken,
      'destinations/webhook.yml': broken,
      '.draft.yaml': broken,
      'a.yaml': API_FILE('a'),
    });
    const loaded = await loadDefinitionsDir(dir);
    expect(loaded.issues).toEqual([]);
    expect(loaded.files).toEqual(['a.yaml']);
  });

  it('names both places when a trait name is declared in two files', async () => {
    await write({ 'a.yaml': API_FILE('x', 'level'), 'b.yaml': API_FILE('level') });
    const loaded = await loadDefinitionsDir(dir);
    expect(loaded.issues.map(formatIssue)).toEqual([
      `${join(dir, 'b.yaml')}:3:13: traits[0].name: trait "level" is already declared at ${join(dir, 'a.yaml')}:4:13`,
    ]);
    expect(loaded.issues[0]).toMatchObject({ file: join(dir, 'b.yaml'), line: 3 });
  });

  it('names both lines when a trait name repeats within one file', async () => {
    await write({ 'a.yaml': API_FILE('x', 'y', 'x') });
    const loaded = await loadDefinitionsDir(dir);
    expect(loaded.issues.map(formatIssue)).toEqual([
      `${join(dir, 'a.yaml')}:5:13: traits[2].name: trait "x" is already declared at ${join(dir, 'a.yaml')}:3:13`,
    ]);
  });

  it('sorts issues by file and line across files', async () => {
    await write({ 'b.yaml': `${API_FILE('b')}extra: 1\n`, 'a.yaml': API_FILE('A') });
    const loaded = await loadDefinitionsDir(dir);
    expect(loaded.issues.map((i) => [i.file.slice(dir.length + 1), i.line, i.path])).toEqual([
      ['a.yaml', 3, 'traits[0].name'],
      ['b.yaml', 4, 'extra'],
    ]);
  });

  it('reports a missing folder through exists, an empty one as zero definitions', async () => {
    const missing = await loadDefinitionsDir(join(dir, 'nope'));
    expect(missing).toMatchObject({ exists: false, files: [], specs: [], issues: [] });
    const empty = await loadDefinitionsDir(dir);
    expect(empty).toMatchObject({ exists: true, files: [], specs: [], issues: [] });
  });

  it('reports a path that is a file, not a folder', async () => {
    await write({ 'a.yaml': API_FILE('a') });
    const loaded = await loadDefinitionsDir(join(dir, 'a.yaml'));
    expect(loaded.issues.map((i) => i.rule)).toEqual(['is not a folder']);
  });

  it('accepts the example folder shipped with the project', async () => {
    const loaded = await loadDefinitionsDir(join(__dirname, '../../../trait-definitions'));
    expect(loaded.issues.map(formatIssue)).toEqual([]);
    expect(loaded.files).toEqual(['churn.yaml', 'player_stats.yaml', 'profile_api.yaml']);
    const byName = new Map(loaded.specs.map((s) => [s.name, s]));
    expect(byName.get('contact_email')).toMatchObject({
      pii: true,
      exposure: ['admin'],
      column: 'email',
    });
    expect(byName.get('lifetime_value')).toMatchObject({
      type: 'number',
      column: 'ltv',
      freshness: '2h',
    });
    expect(byName.get('churn_propensity')?.source).toMatchObject({
      kind: 'notebook',
      file: 'churn.yaml',
    });
    expect(byName.get('preferred_language')).toMatchObject({
      type: 'category',
      source: { kind: 'api' },
    });
  });
});
