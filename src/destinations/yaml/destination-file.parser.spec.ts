import { parseDestinationFile } from './destination-file.parser';

const file = (relative: string) => ({ relative, display: `defs/${relative}` });
const issues = (text: string) =>
  parseDestinationFile(text, file('destinations/crm.yaml')).issues.map(
    (i) => `${i.line}:${i.col} ${i.path}: ${i.rule}`,
  );

describe('destination files', () => {
  it('reads a destination, the slug defaulting to the file name', () => {
    const parsed = parseDestinationFile(
      'name: CRM\nkind: webhook\nurl: http://127.0.0.1:9/hook\nsecret_env: CRM_SECRET\naudiences: [whales]\n',
      file('destinations/crm.yaml'),
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.destination).toMatchObject({
      slug: 'crm',
      spec: { kind: 'webhook', audiences: ['whales'] },
    });
  });

  it('names the field and the rule of each problem', () => {
    expect(issues('name: CRM\nkind: fax\ncolour: red\n')).toEqual([
      '2:7 kind: must be one of webhook, braze, slack',
      '3:1 colour: unknown key (allowed: slug, name, kind, url, url_env, secret_env, headers, audiences, traits, identities, mapping, clear, timestamp_format, mode, batch_size, rate_limit, max_attempts, backoff_ms, enabled)',
    ]);
    expect(
      issues(
        'name: CRM\nkind: webhook\nurl: http://x\naudiences: [a]\ntraits: [email]\nclear: [phone]\nmapping: { ltv: value }\n',
      ),
    ).toEqual([
      '1:1 secret_env: is required for a webhook: payloads are signed with HMAC-SHA256',
      '6:9 clear[0]: names a trait or identity not listed in traits or identities',
      '7:12 mapping.ltv: maps a trait or identity not listed in traits or identities',
    ]);
    expect(
      issues('name: B\nkind: braze\nurl_env: B_URL\ntraits: [ltv]\nbatch_size: 100\n'),
    ).toEqual(['5:13 batch_size: must be at most 75 for braze (users/track limit)']);
  });
});
