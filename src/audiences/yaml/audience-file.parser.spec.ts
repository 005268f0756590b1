import { parseAudienceFile } from './audience-file.parser';
import { checkAudienceFiles, folderContext } from './audience-files.loader';

const file = (relative: string) => ({ relative, display: `defs/${relative}` });

describe('audience files', () => {
  it('reads one audience per file, the slug defaulting to the file name', () => {
    const parsed = parseAudienceFile(
      'name: Whales\nschedule: "0 * * * *"\nrule:\n  trait: ltv\n  op: gt\n  value: 50\n',
      file('audiences/whales.yaml'),
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.audience).toMatchObject({
      slug: 'whales',
      name: 'Whales',
      schedule: '0 * * * *',
      rule: { trait: 'ltv', op: 'gt', value: 50 },
    });
  });

  it('reports file problems and rule faults at file:line:col', () => {
    const bad = parseAudienceFile(
      'name: X\ncolour: red\nschedule: "61 * * * *"\nrule: {}\n',
      file('audiences/x.yaml'),
    );
    expect(bad.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.rule}`)).toEqual([
      '2:1 colour: unknown key (allowed: slug, name, description, owner, schedule, rule)',
    ]);
    const a = parseAudienceFile(
      'name: A\nrule:\n  all:\n    - { trait: ltv, op: gt, value: big }\n    - { audience: b }\n',
      file('audiences/a.yaml'),
    ).audience!;
    const b = parseAudienceFile(
      'name: B\nrule:\n  not:\n    audience: a\n',
      file('audiences/b.yaml'),
    ).audience!;
    const specs = [{ name: 'ltv', type: 'number', values: null } as never];
    const issues = checkAudienceFiles([a, b], folderContext(specs, [a, b]));
    expect(issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.path}: ${i.rule}`)).toEqual([
      'defs/audiences/a.yaml:4:36: rule.all[0].value: must be a number',
      'defs/audiences/a.yaml:5:19: rule.all[1].audience: audiences may not depend on themselves: a → b → a',
      'defs/audiences/b.yaml:4:15: rule.not.audience: audiences may not depend on themselves: b → a → b',
    ]);
  });

  it('leaves names the folder does not declare to the server', () => {
    const a = parseAudienceFile(
      'name: A\nrule: { all: [{ trait: from_dbt, op: exists }, { audience: made_in_ui }] }\n',
      file('audiences/a.yaml'),
    ).audience!;
    expect(checkAudienceFiles([a], folderContext([], [a]))).toEqual([]);
  });
});
