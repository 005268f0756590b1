import { parseDefinitionFile } from './definition-file.parser';
import { formatIssue } from '../../common/yaml/yaml-issue';

const FILE = { relative: 'stats.yaml', display: 'defs/stats.yaml' };

function parse(text: string) {
  return parseDefinitionFile(text, FILE);
}

function issues(text: string): string[] {
  return parse(text).issues.map(formatIssue);
}

const DBT_SOURCE = `source:
  kind: dbt
  model: model.game.player_stats
  identities:
    - { column: player_id, type: user_id }
`;

describe('parseDefinitionFile', () => {
  it('accepts a dbt file and fills defaults (column = name, pii false, every read scope)', () => {
    const parsed = parse(
      `${DBT_SOURCE}traits:\n  - name: lifetime_value\n    type: number\n    freshness: 2h\n`,
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.specs).toEqual([
      {
        name: 'lifetime_value',
        type: 'number',
        description: null,
        owner: null,
        pii: false,
        exposure: ['profile:read', 'profile:read:pii', 'admin'],
        freshness: '2h',
        column: 'lifetime_value',
        values: null,
        source: {
          kind: 'dbt',
          model: 'model.game.player_stats',
          identities: [{ column: 'player_id', type: 'user_id' }],
          file: 'stats.yaml',
        },
      },
    ]);
  });

  it('keeps exposure in scope order so a reordered list is the same definition', () => {
    const a = parse(
      `source: { kind: api }\ntraits:\n  - { name: x, type: string, exposure: [admin, profile:read] }\n`,
    );
    const b = parse(
      `source: { kind: api }\ntraits:\n  - { name: x, type: string, exposure: [profile:read, admin] }\n`,
    );
    expect(a.specs[0].exposure).toEqual(['profile:read', 'admin']);
    expect(b.specs[0].exposure).toEqual(a.specs[0].exposure);
  });

  it('names an unknown trait key at its own line and column, listing the allowed keys', () => {
    const out = issues(
      `${DBT_SOURCE}traits:\n  - name: level\n    type: number\n    colour: red\n`,
    );
    expect(out).toEqual([
      'defs/stats.yaml:9:5: traits[0].colour: unknown key (allowed: name, column, type, description, owner, pii, exposure, freshness, values)',
    ]);
  });

  it('names an unknown key of the source block and of the top level', () => {
    const out = issues(
      `source:\n  kind: api\n  model: x\ntraits:\n  - { name: a, type: string }\nversion: 2\n`,
    );
    expect(out).toEqual([
      'defs/stats.yaml:3:3: source.model: unknown key (allowed: kind)',
      'defs/stats.yaml:6:1: version: unknown key (allowed: source, traits)',
    ]);
  });

  it('reports a wrong type once, at the value', () => {
    expect(
      issues(`source: { kind: api }\ntraits:\n  - name: a\n    type: 3\n    pii: "yes"\n`),
    ).toEqual([
      'defs/stats.yaml:4:11: traits[0].type: must be a string',
      'defs/stats.yaml:5:10: traits[0].pii: must be true or false',
    ]);
  });

  it('reports a value outside an enum with the allowed values', () => {
    expect(issues(`source: { kind: api }\ntraits:\n  - { name: a, type: decimal }\n`)).toEqual([
      'defs/stats.yaml:3:22: traits[0].type: must be one of boolean, number, string, timestamp, category, json',
    ]);
  });

  it('reports missing required keys at the mapping that lacks them', () => {
    expect(issues(`source:\n  kind: dbt\n  model: m\ntraits:\n  - { type: number }\n`)).toEqual([
      'defs/stats.yaml:2:3: source.identities: is required',
      'defs/stats.yaml:5:5: traits[0].name: is required',
    ]);
    expect(issues('source: { kind: api }\n')).toEqual(['defs/stats.yaml:1:1: traits: is required']);
  });

  it('rejects duplicate keys with their line', () => {
    expect(
      issues(`source: { kind: api }\ntraits:\n  - name: a\n    type: string\n    type: number\n`),
    ).toEqual(['defs/stats.yaml:5:5: yaml: duplicate key: each key may appear once in a mapping']);
  });

  it('reports YAML syntax errors and stops there', () => {
    const out = issues('source: { kind: api\ntraits: [\n');
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((line) => /^defs\/stats\.yaml:\d+:\d+: yaml: /.test(line))).toBe(true);
  });

  it('rejects an empty file and a file that is not a mapping', () => {
    expect(issues('')).toEqual([
      'defs/stats.yaml:1:1: (file): must be a mapping with a source: block and a traits: list',
    ]);
    expect(issues('- a\n- b\n')).toEqual([
      'defs/stats.yaml:1:1: (file): must be a mapping with a source: block and a traits: list',
    ]);
  });

  it.each([
    ['Level', 'must be snake_case: a lower-case letter, then lower-case letters, digits or _'],
    [
      '2fa_enabled',
      'must be snake_case: a lower-case letter, then lower-case letters, digits or _',
    ],
    [
      'player-level',
      'must be snake_case: a lower-case letter, then lower-case letters, digits or _',
    ],
    [`a${'b'.repeat(63)}`, 'must be at most 63 characters'],
    ['user_id', '"user_id" is reserved (it is an identity type name)'],
    ['email', '"email" is reserved (it is an identity type name)'],
    ['network_userid', '"network_userid" is reserved (it is an identity type name)'],
    [
      '"audience:whales"',
      'names beginning with "audience:" are reserved for audience membership traits',
    ],
  ])('rejects the trait name %s', (name, rule) => {
    expect(issues(`source: { kind: api }\ntraits:\n  - name: ${name}\n    type: string\n`)).toEqual(
      [`defs/stats.yaml:3:11: traits[0].name: ${rule}`],
    );
  });

  it.each(['a', 'player_level', 'ltv_30d', `a${'b'.repeat(62)}`, 'email_domain'])(
    'accepts the trait name %s',
    (name) => {
      expect(
        issues(`source: { kind: api }\ntraits:\n  - { name: ${name}, type: string }\n`),
      ).toEqual([]);
    },
  );

  it.each(['30m', '2h', '2d', '1w', '45s'])('accepts freshness %s', (freshness) => {
    expect(
      issues(
        `source: { kind: api }\ntraits:\n  - { name: a, type: string, freshness: ${freshness} }\n`,
      ),
    ).toEqual([]);
  });

  it.each(['2 hours', '0h', '2x', '1.5h', '-1d', 'h'])('rejects freshness %s', (freshness) => {
    expect(
      issues(
        `source: { kind: api }\ntraits:\n  - name: a\n    type: string\n    freshness: ${freshness}\n`,
      ),
    ).toEqual([
      'defs/stats.yaml:5:16: traits[0].freshness: must be a duration like 30m, 2h, 2d or 1w (units s, m, h, d, w)',
    ]);
  });

  it('allows values only on category traits, non-empty and without repeats', () => {
    expect(
      issues(`source: { kind: api }\ntraits:\n  - { name: a, type: category, values: [x, y] }\n`),
    ).toEqual([]);
    expect(
      issues(`source: { kind: api }\ntraits:\n  - { name: a, type: string, values: [x] }\n`),
    ).toEqual(['defs/stats.yaml:3:38: traits[0].values: only allowed for type category']);
    expect(
      issues(`source: { kind: api }\ntraits:\n  - { name: a, type: category, values: [x, x] }\n`),
    ).toEqual(['defs/stats.yaml:3:44: traits[0].values[1]: repeats item 0']);
    expect(
      issues(`source: { kind: api }\ntraits:\n  - { name: a, type: category, values: [] }\n`),
    ).toEqual(['defs/stats.yaml:3:40: traits[0].values: must list at least 1 item(s)']);
  });

  it('accepts exposure within the scopes and rejects others', () => {
    expect(
      issues(
        `source: { kind: api }\ntraits:\n  - { name: a, type: string, exposure: [ingest, audience:write] }\n`,
      ),
    ).toEqual([]);
    expect(
      issues(
        `source: { kind: api }\ntraits:\n  - { name: a, type: string, exposure: [profile:write] }\n`,
      ),
    ).toEqual([
      'defs/stats.yaml:3:41: traits[0].exposure[0]: must be one of ingest, traits:write, profile:read, profile:read:pii, audience:write, admin',
    ]);
  });

  it('rejects audience and unknown source kinds, and a missing kind', () => {
    expect(issues(`source: { kind: audience }\ntraits:\n  - { name: a, type: boolean }\n`)).toEqual(
      [
        'defs/stats.yaml:1:17: source.kind: audience traits are made by saving an audience, not declared in files',
      ],
    );
    expect(issues(`source: { kind: kafka }\ntraits:\n  - { name: a, type: boolean }\n`)).toEqual([
      'defs/stats.yaml:1:17: source.kind: must be one of dbt, notebook, api, event',
    ]);
    expect(issues(`source: { model: m }\ntraits:\n  - { name: a, type: boolean }\n`)).toEqual([
      'defs/stats.yaml:1:9: source.kind: is required',
    ]);
  });

  it.each([
    '*/30 * * * *',
    '0 3 * * *',
    '0 9-17 * * MON-FRI',
    '15,45 */2 1 JAN,jul 0',
    '0 0 * * 7',
  ])('accepts the schedule %s', (cron) => {
    expect(
      issues(`${DBT_SOURCE}  schedule: "${cron}"\ntraits:\n  - { name: a, type: number }\n`),
    ).toEqual([]);
  });

  it.each([
    [
      '*/30 * * *',
      'must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "*/30 * * * *"',
    ],
    ['0 24 * * *', 'cron hour field "24": Constraint error, got value 24 expected range 0-23'],
    ['60 * * * *', 'cron minute field "60": Constraint error, got value 60 expected range 0-59'],
    ['0 0 0 * *', 'cron day-of-month field "0": Constraint error, got value 0 expected range 1-31'],
    ['0 0 * 13 *', 'cron month field "13": Constraint error, got value 13 expected range 1-12'],
    ['0 0 * * FUN', 'cron day-of-week field "FUN": Validation error, cannot resolve alias "fun"'],
    ['*/0 * * * *', 'cron minute field "*/0": Constraint error, cannot repeat at every 0 time.'],
    ['5-1 * * * *', 'cron minute field "5-1": Invalid range: 5-1, min(5) > max(1)'],
    // A day that never comes: BullMQ could not schedule it.
    ['0 0 31 2 *', 'cron expression "0 0 31 2 *": Invalid explicit day of month definition'],
    [
      '@daily',
      'must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "*/30 * * * *"',
    ],
  ])('rejects the schedule %s', (cron, rule) => {
    expect(
      issues(`${DBT_SOURCE}  schedule: "${cron}"\ntraits:\n  - { name: a, type: number }\n`),
    ).toEqual([`defs/stats.yaml:6:13: source.schedule: ${rule}`]);
  });

  it('checks dbt identities: at least one, snake_case types, each column once', () => {
    expect(
      issues(
        `source:\n  kind: dbt\n  model: m\n  identities: []\ntraits:\n  - { name: a, type: number }\n`,
      ),
    ).toEqual(['defs/stats.yaml:4:15: source.identities: must list at least 1 item(s)']);
    const twice = `source:\n  kind: dbt\n  model: m\n  identities:\n    - { column: id, type: user_id }\n    - { column: id, type: Email }\ntraits:\n  - { name: a, type: number }\n`;
    expect(issues(twice)).toEqual([
      'defs/stats.yaml:6:17: source.identities[1].column: column "id" is already listed at identities[0]',
      'defs/stats.yaml:6:27: source.identities[1].type: must be an identity type name in snake_case (e.g. user_id)',
    ]);
    expect(
      issues(`${DBT_SOURCE}  absent: forget\ntraits:\n  - { name: a, type: number }\n`),
    ).toEqual(['defs/stats.yaml:6:11: source.absent: must be one of keep, clear']);
  });

  it('checks a notebook source: output shape, timeout, ratios', () => {
    const notebook = (extra: string) =>
      `source:\n  kind: notebook\n  notebook: nb/churn.ipynb\n  output: { format: csv, identity: { column: user_id, type: user_id } }\n${extra}traits:\n  - { name: churn, type: number }\n`;
    expect(
      issues(
        notebook(
          '  timeout: 15m\n  parameters: { lookback_days: 30 }\n  min_rows: 10\n  max_change_ratio: 0.5\n',
        ),
      ),
    ).toEqual([]);
    expect(issues(notebook('  timeout: 15 minutes\n'))).toEqual([
      'defs/stats.yaml:5:12: source.timeout: must be a duration like 30m, 2h, 2d or 1w (units s, m, h, d, w)',
    ]);
    expect(issues(notebook('  max_change_ratio: -0.5\n  min_rows: -1\n'))).toEqual([
      'defs/stats.yaml:5:21: source.max_change_ratio: must be >= 0',
      'defs/stats.yaml:6:13: source.min_rows: must be >= 0',
    ]);
    expect(
      issues(
        `source:\n  kind: notebook\n  notebook: nb.ipynb\n  output: { format: parquet, identity: { column: u } }\ntraits:\n  - { name: churn, type: number }\n`,
      ),
    ).toEqual([
      'defs/stats.yaml:4:21: source.output.format: must be one of csv, jsonl',
      'defs/stats.yaml:4:40: source.output.identity.type: is required',
    ]);
  });

  it('lists every name it saw, valid or not, with its position', () => {
    const parsed = parse(
      `source: { kind: api }\ntraits:\n  - { name: a, type: string }\n  - { name: b, type: nope }\n`,
    );
    expect(parsed.names.map((n) => [n.name, n.path, n.at.line, n.at.col])).toEqual([
      ['a', 'traits[0].name', 3, 13],
      ['b', 'traits[1].name', 4, 13],
    ]);
    expect(parsed.specs.map((s) => s.name)).toEqual(['a']);
  });
});
