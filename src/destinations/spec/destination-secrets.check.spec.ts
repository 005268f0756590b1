import { parseDestinationFile } from '../yaml/destination-file.parser';
import { MASKED, maskedSpec } from './destination-secrets.check';
import type { DestinationSpec } from './destination-spec';
import { problemDetails, specProblems } from './destination-spec.check';

const hook = (extra: Record<string, unknown>) => ({
  name: 'CRM',
  kind: 'webhook',
  url: 'https://crm.example/hook',
  secret_env: 'CRM_SECRET',
  audiences: ['whales'],
  ...extra,
});
const details = (spec: unknown) => problemDetails(specProblems(spec));

describe('destination secrets: credentials only from the environment', () => {
  it('refuses a literal value for a header named like a credential, naming the header', () => {
    const names = [
      'Authorization',
      'proxy-authorization',
      'Cookie',
      'x-api-key',
      'X-Auth-Token',
      'x-client-secret',
      'x-hub-signature',
      'x-password',
      'x-session',
    ];
    for (const name of names)
      expect(details(hook({ headers: { [name]: 'abc' } }))).toEqual({
        [`config.headers.${name}`]:
          'is a credential header: give its value as {env: NAME}, never in clear',
      });
  });

  it('refuses a literal authorization scheme under any header name', () => {
    expect(details(hook({ headers: { 'x-forward': 'Bearer abc' } }))).toEqual({
      'config.headers.x-forward':
        'holds credentials (an authorization scheme): give its value as {env: NAME}, never in clear',
    });
  });

  it('accepts credentials from the environment and literal values of other headers', () => {
    expect(
      details(
        hook({
          headers: {
            authorization: { env: 'CRM_TOKEN' },
            'x-api-key': { env: 'CRM_KEY' },
            'x-team': 'growth',
            accept: 'application/json',
          },
        }),
      ),
    ).toEqual({});
  });

  it('refuses a literal url that carries credentials', () => {
    const cases: [string, string][] = [
      [
        'https://user:pw@crm.example/hook',
        'must not carry credentials (user:password@): use url_env',
      ],
      [
        'https://token@crm.example/hook',
        'must not carry credentials (user:password@): use url_env',
      ],
      [
        'https://crm.example/hook?api_key=abc',
        'must not carry credentials (query parameter api_key): use url_env',
      ],
      [
        'https://crm.example/hook?team=a&Access_Token=abc',
        'must not carry credentials (query parameter Access_Token): use url_env',
      ],
      [
        'https://f.azurewebsites.net/api/h?code=abc',
        'must not carry credentials (query parameter code): use url_env',
      ],
      [
        'https://hooks.slack.com/services/T0/B0/x',
        'is a secret (a Slack incoming-webhook URL): use url_env',
      ],
    ];
    for (const [url, rule] of cases)
      expect({ url, details: details(hook({ url })) }).toEqual({
        url,
        details: { 'config.url': rule },
      });
    expect(details(hook({ url: 'https://crm.example/hook?team=growth' }))).toEqual({});
    expect(details(hook({ url: undefined, url_env: 'CRM_URL' }))).toEqual({});
  });

  it('requires url_env for slack: the incoming-webhook URL is itself the secret', () => {
    const slack = { name: 'Growth', kind: 'slack', audiences: ['whales'] };
    expect(details({ ...slack, url: 'https://chat.example/hook' })).toEqual({
      'config.url':
        'is a secret for slack (whoever has an incoming-webhook URL can post): use url_env',
    });
    expect(details({ ...slack, url_env: 'SLACK_WEBHOOK_URL' })).toEqual({});
  });

  it('refuses the same in a destinations/*.yaml file, by line', () => {
    const text = `name: CRM
kind: webhook
url: https://u:p@crm.example/hook
secret_env: CRM_SECRET
audiences: [whales]
headers:
  x-team: growth
  authorization: Bearer abc
`;
    const parsed = parseDestinationFile(text, {
      relative: 'destinations/crm.yaml',
      display: 'crm.yaml',
    });
    expect(parsed.destination).toBeNull();
    expect(parsed.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.rule}`)).toEqual([
      '3:6 url: must not carry credentials (user:password@): use url_env',
      '8:18 headers.authorization: is a credential header: give its value as {env: NAME}, never in clear',
    ]);
  });

  it('masks literal credentials of a destination saved before the rule, and nothing else', () => {
    const legacy: DestinationSpec = {
      name: 'CRM',
      kind: 'webhook',
      url: 'https://crm.example/hook?token=abc',
      secret_env: 'CRM_SECRET',
      headers: { authorization: 'Bearer abc', 'x-key': { env: 'K' }, 'x-team': 'growth' },
      audiences: ['whales'],
    };
    expect(maskedSpec(legacy)).toEqual({
      ...legacy,
      url: MASKED,
      headers: { authorization: MASKED, 'x-key': { env: 'K' }, 'x-team': 'growth' },
    });
    const clean: DestinationSpec = { ...legacy, url: 'https://crm.example/hook', headers: {} };
    expect(maskedSpec(clean)).toEqual(clean);
  });
});
