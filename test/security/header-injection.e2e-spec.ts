import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { validateEnv } from '../../src/config/env.validation';
import { send } from '../../src/destinations/delivery/http-sender';
import type { DestinationSpec } from '../../src/destinations/spec/destination-spec';
import { parseDestinationFile } from '../../src/destinations/yaml/destination-file.parser';
import { saveDestination } from '../destinations/destination-helpers';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { startTestApp, TestApp } from '../utils/test-app';

const CRLF = 'growth\r\nX-Injected: 1';

// A raw request: Node's client refuses to send a line break in a header, an attacker's does not.
function rawRequest(base: string, lines: string[]): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const socket = connect(Number(port), hostname, () =>
      socket.end(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`),
    );
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('end', () => done(answer));
    socket.on('error', fail);
  });
}

function headersOf(answer: string): string[] {
  return answer.split('\r\n\r\n')[0].split('\r\n').slice(1);
}

describe('header injection', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    // The trait the destinations send: a destination may list only traits that exist.
    await insertTraitDefinitions(t.db.url, t.db.schema, [traitSpec({ name: 'ltv' })]);
  });
  afterAll(() => t.close());

  const webhook = (headers: Record<string, unknown>) => ({
    name: 'CRM',
    kind: 'webhook',
    url: 'http://127.0.0.1:1/hook',
    secret_env: 'TB_HOOK_SECRET',
    headers,
    traits: ['ltv'],
  });

  it('refuses a destination header value with CR, LF or NUL, and names outside the HTTP token rules', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ 'x-team': CRLF }, 'config.headers.x-team', /must not contain CR, LF or NUL/],
      [{ 'x-team': 'a\nb' }, 'config.headers.x-team', /must not contain CR, LF or NUL/],
      [{ 'x-team': 'a\0b' }, 'config.headers.x-team', /must not contain CR, LF or NUL/],
      [{ 'x-a\r\nx-b': 'v' }, 'config.headers', /must be an HTTP header name/],
      [{ 'bad name': 'v' }, 'config.headers', /must be an HTTP header name/],
      [{ 'Content-Length': '0' }, 'config.headers', /is set by Traitbase/],
      [{ host: 'evil.example' }, 'config.headers', /is set by Traitbase/],
    ];
    for (const [headers, field, rule] of cases) {
      const res = await saveDestination(
        t,
        `crm-${randomBytes(3).toString('hex')}`,
        webhook(headers),
      );
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      const details = res.errors[0].extensions.details as Record<string, string>;
      const key = Object.keys(details).find((k) => k.startsWith(field));
      expect({ headers, rule: key && details[key] }).toEqual({
        headers,
        rule: expect.stringMatching(rule),
      });
    }
    const fine = await saveDestination(
      t,
      `crm-${randomBytes(3).toString('hex')}`,
      webhook({ 'x-team': 'growth' }),
    );
    expect(fine.errors).toBeUndefined();
  });

  it('refuses the same in a destinations/*.yaml file, by line', () => {
    const text = `name: CRM
kind: webhook
url: http://127.0.0.1:1/hook
secret_env: TB_HOOK_SECRET
traits: [ltv]
headers:
  x-team: "growth\\r\\nX-Injected: 1"
`;
    const parsed = parseDestinationFile(text, {
      relative: 'destinations/crm.yaml',
      display: 'crm.yaml',
    });
    expect(parsed.issues.map((i) => `${i.line}: ${i.path}: ${i.rule}`)).toEqual([
      '7: headers.x-team: must not contain CR, LF or NUL characters',
    ]);
  });

  it('does not send a header whose value from the environment holds a line break, and never echoes it', async () => {
    const env = `TB_HDR_${randomBytes(4).toString('hex').toUpperCase()}`;
    process.env[env] = `Bearer s3cret\r\nX-Injected: 1`;
    try {
      const spec = { ...webhook({ authorization: { env } }), url: 'http://127.0.0.1:1/hook' };
      process.env.TB_HOOK_SECRET = 'x';
      const outcome = await send(spec as unknown as DestinationSpec, { batch: [] });
      expect(outcome).toEqual({
        kind: 'failed',
        status: null,
        reason: `headers.authorization (from ${env}): must not contain CR, LF or NUL characters`,
        retryable: false,
      });
    } finally {
      delete process.env[env];
    }
  });

  it('answers a request id or origin carrying a line break without echoing it into a header', async () => {
    const { host } = new URL(t.url);
    // Encoded: not a plain token, so the request gets an id of its own.
    const encoded = await rawRequest(t.url, [
      'GET /health/live HTTP/1.1',
      `Host: ${host}`,
      'X-Request-Id: abc%0d%0aSet-Cookie:%20x=1',
    ]);
    expect(encoded).toMatch(/^HTTP\/1\.1 200/);
    const id = headersOf(encoded).find((h) => h.toLowerCase().startsWith('x-request-id:'));
    expect(id).toMatch(/^x-request-id: [0-9a-f-]{36}$/i);
    expect(headersOf(encoded).some((h) => /set-cookie/i.test(h))).toBe(false);
    // A bare CR inside a header: refused by the HTTP parser before any handler runs.
    for (const header of [
      'X-Request-Id: abc\rSet-Cookie: x=1',
      'Origin: https://a.example\rSet-Cookie: x=1',
    ]) {
      const answer = await rawRequest(t.url, [
        'GET /health/live HTTP/1.1',
        `Host: ${host}`,
        header,
      ]);
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(headersOf(answer).some((h) => /set-cookie/i.test(h))).toBe(false);
    }
  });

  it('refuses CORS_ORIGINS with a line break at start, naming the variable', () => {
    expect(() => validateEnv({ CORS_ORIGINS: 'https://a.example\r\nSet-Cookie: x=1' })).toThrow(
      /CORS_ORIGINS: must be \* or a comma-separated list of origins/,
    );
  });
});
