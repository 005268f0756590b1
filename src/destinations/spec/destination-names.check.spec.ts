import { parseDestinationFile } from '../yaml/destination-file.parser';
import { DestinationNames, folderNames, nameProblems, NameState } from './destination-names.check';
import { problemDetails } from './destination-spec.check';

describe('destination names: the traits and audiences a destination lists exist', () => {
  const traits = new Map<string, NameState>([
    ['ltv', 'active'],
    ['old', 'retired'],
    ['audience:whales', 'active'],
  ]);
  const audiences = new Map<string, NameState>([
    ['whales', 'active'],
    ['gone', 'retired'],
  ]);
  const server: DestinationNames = {
    trait: (n) => traits.get(n),
    audience: (s) => audiences.get(s),
  };

  it('names the field and the rule of each unknown, retired or archived name', () => {
    const spec = {
      traits: ['ltv', 'nope', 'old', 'email', 'audience:whales'],
      audiences: ['whales', 'lapsed', 'gone'],
    };
    expect(problemDetails(nameProblems(spec, server))).toEqual({
      'config.traits[1]': 'no trait named nope',
      'config.traits[2]': 'trait old is retired',
      'config.traits[3]': 'no trait named email (email is an identity type: list it in identities)',
      'config.audiences[1]': 'no audience lapsed',
      'config.audiences[2]': 'audience gone is archived',
    });
    expect(nameProblems({}, server)).toEqual([]);
  });

  it('judges in a folder what the folder declares and names nothing could take, and leaves the rest to the server', () => {
    const folder = folderNames(['ltv'], ['whales']);
    const spec = {
      traits: [
        'ltv',
        'from_dbt',
        'audience:whales',
        'audience:made_in_ui',
        'user_id',
        'Lifetime Value',
      ],
      audiences: ['whales', 'made_in_ui', 'At Risk'],
    };
    expect(problemDetails(nameProblems(spec, folder))).toEqual({
      'config.traits[4]':
        'no trait named user_id (user_id is an identity type: list it in identities)',
      'config.traits[5]': 'no trait named Lifetime Value',
      'config.audiences[2]': 'no audience At Risk',
    });
  });

  it('places each problem in its file, by line and column', () => {
    const parsed = parseDestinationFile(
      'name: CRM\nkind: webhook\nurl: http://127.0.0.1:9/hook\nsecret_env: S\n' +
        'audiences: [whales, At Risk]\ntraits:\n  - ltv\n  - email\n',
      { relative: 'destinations/crm.yaml', display: 'defs/destinations/crm.yaml' },
    );
    const d = parsed.destination!;
    const issues = nameProblems(d.spec, folderNames(['ltv'], ['whales'])).map((p) => d.locate(p));
    expect(issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.path}: ${i.rule}`)).toEqual([
      'defs/destinations/crm.yaml:8:5: traits[1]: no trait named email (email is an identity type: list it in identities)',
      'defs/destinations/crm.yaml:5:21: audiences[1]: no audience At Risk',
    ]);
  });
});
