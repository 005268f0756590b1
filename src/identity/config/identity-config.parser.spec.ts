import { formatIssue } from '../../common/yaml/yaml-issue';
import { RESERVED_TRAIT_NAMES } from '../../trait-definitions/rules/reserved-names';
import { normalizeIdentity } from '../identity-normalizer';
import { parseIdentityConfig } from './identity-config.parser';
import {
  DEFAULT_IDENTITY_RULES,
  identityPaths,
  isBlocked,
  limitOf,
  ruleOf,
} from './identity-rules';

const parse = (text: string) => parseIdentityConfig(text, 'defs/identity.yaml');
const messages = (text: string) => parse(text).issues.map(formatIssue);

describe('identity.yaml', () => {
  it('keeps the default identity types in sync with the reserved trait names', () => {
    expect([...DEFAULT_IDENTITY_RULES.types.keys()].sort()).toEqual(
      [...RESERVED_TRAIT_NAMES].sort(),
    );
  });

  it('an empty file means the defaults', () => {
    const { rules, issues } = parse('');
    expect(issues).toEqual([]);
    expect(limitOf(rules!, 'user_id')).toBe(1);
    expect(ruleOf(rules!, 'email')!.priority).toBe(80);
  });

  it('overrides listed fields, fills the rest from the type default, keeps unlisted types', () => {
    const { rules } = parse(`
types:
  email: { limit: 2, blocked: { patterns: ['@example\\.com$'] } }
  player_id: { priority: 90 }
  phone: { pii: true }
`);
    expect(ruleOf(rules!, 'email')).toMatchObject({
      priority: 80,
      limit: 2,
      normalize: ['trim', 'lowercase'],
      pii: true,
    });
    expect(ruleOf(rules!, 'player_id')).toMatchObject({ priority: 90, limit: 100, pii: false });
    expect(ruleOf(rules!, 'phone')).toMatchObject({ pii: true });
    expect(ruleOf(rules!, 'user_id')).toMatchObject({ priority: 100, limit: 1 });
    expect(normalizeIdentity('email', ' Tester@EXAMPLE.com ', rules!)).toMatchObject({
      ok: false,
      blocked: true,
    });
    expect(normalizeIdentity('email', 'a@b.c', rules!)).toMatchObject({ ok: true, value: 'a@b.c' });
  });

  it('blocks the default values case-insensitively, for every type', () => {
    const rules = DEFAULT_IDENTITY_RULES;
    for (const v of ['undefined', 'NULL', '0', 'None', 'nil', '[object Object]']) {
      expect(isBlocked(rules, ruleOf(rules, 'user_id')!, v)).toBe(true);
      expect(normalizeIdentity('some_custom_id', v)).toMatchObject({ ok: false, blocked: true });
    }
    expect(normalizeIdentity('user_id', '00')).toMatchObject({ ok: true });
    expect(normalizeIdentity('user_id', '   ')).toMatchObject({
      ok: false,
      reason: 'identity.value: must not be empty',
    });
  });

  it('a blocked list in the file replaces the default values', () => {
    const { rules } = parse("blocked: { values: ['guest'], patterns: ['^test-'] }\n");
    expect(normalizeIdentity('user_id', '0', rules!)).toMatchObject({ ok: true });
    expect(normalizeIdentity('user_id', 'GUEST', rules!)).toMatchObject({
      ok: false,
      blocked: true,
    });
    expect(normalizeIdentity('user_id', 'test-42', rules!)).toMatchObject({
      ok: false,
      blocked: true,
    });
  });

  it('unknown types are accepted with priority 0 and limit 100, or rejected when told', () => {
    expect(ruleOf(DEFAULT_IDENTITY_RULES, 'crm_id')).toMatchObject({ priority: 0, limit: 100 });
    const { rules } = parse('unknown_types: { accept: false }\n');
    expect(normalizeIdentity('crm_id', '42', rules!)).toEqual({
      ok: false,
      reason: 'identity.type: crm_id is not an identity type of identity.yaml',
    });
  });

  it('names the event paths observed as identities: defaults, replaced per type, checked', () => {
    expect(identityPaths(DEFAULT_IDENTITY_RULES)).toEqual([
      { path: 'traits.email', type: 'email' },
      { path: 'context.traits.email', type: 'email' },
      { path: 'context.device.id', type: 'device_id' },
    ]);
    const { rules } = parse(`
types:
  email: { paths: [traits.email, properties.contact.email] }
  device_id: { paths: [] }
  player_id: { paths: [context.traits.player_id] }
`);
    expect(identityPaths(rules!)).toEqual([
      { path: 'traits.email', type: 'email' },
      { path: 'properties.contact.email', type: 'email' },
      { path: 'context.traits.player_id', type: 'player_id' },
    ]);
    expect(messages('types:\n  email: { paths: [payload.email, traits..x] }\n')).toEqual([
      'defs/identity.yaml:2:20: types.email.paths[0]: must be a dotted path under traits, context or properties (e.g. traits.email)',
      'defs/identity.yaml:2:35: types.email.paths[1]: must be a dotted path under traits, context or properties (e.g. traits.email)',
    ]);
  });

  it('reports every problem with file:line:col', () => {
    expect(
      messages(`
types:
  user_id: { limit: 0 }
  Email: { priority: 80 }
  device_id: { prio: 5, normalize: [trim, upper] }
blocked:
  patterns: ['(unclosed']
colour: blue
`),
    ).toEqual([
      'defs/identity.yaml:3:21: types.user_id.limit: must be >= 1',
      'defs/identity.yaml:5:16: types.device_id.prio: unknown key (allowed: priority, limit, normalize, blocked, pii, paths)',
      'defs/identity.yaml:5:43: types.device_id.normalize[1]: must be one of trim, lowercase',
      'defs/identity.yaml:8:1: colour: unknown key (allowed: types, blocked, unknown_types)',
    ]);
    expect(
      messages("types:\n  Email: { priority: 80 }\nblocked:\n  patterns: ['(unclosed']\n"),
    ).toEqual([
      'defs/identity.yaml:2:3: types.Email: must be an identity type name in snake_case (e.g. user_id)',
      'defs/identity.yaml:4:14: blocked.patterns[0]: is not a valid regular expression (/(unclosed/i: Unterminated group)',
    ]);
    expect(messages('types: [user_id]\n')).toEqual([
      'defs/identity.yaml:1:8: types: must be a mapping',
    ]);
    expect(messages('types:\n  user_id: {}\n  user_id: {}\n')[0]).toMatch(
      /^defs\/identity.yaml:3:3: yaml: duplicate key/,
    );
    expect(messages('- a\n')).toEqual([
      'defs/identity.yaml:1:1: (file): must be a mapping with types:, blocked: and unknown_types:',
    ]);
  });
});
