import { post, trackMessage } from '../factories/event.factory';
import { createKey } from '../utils/keys';
import { startTestApp, TestApp } from '../utils/test-app';

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

// One pathological message must not cost the valid ones beside it: it is refused by index and
// reason, the rest is stored, and the answer is never a 500.
describe('pathological JSON at ingestion', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await startTestApp();
    key = await createKey(t, 'ingest');
  });
  afterAll(() => t.close());

  const batchWith = (bad: string) => {
    const valid = Array.from({ length: 99 }, () => JSON.stringify(trackMessage()));
    return `{"batch":[${valid.join(',')},${bad}]}`;
  };

  it('stores 99 valid messages and rejects the one nested 5,000 levels deep by index and reason', async () => {
    const bad = `{"type":"track","userId":"deep","event":"Deep","properties":${nested(5000)}}`;
    const res = await post(t, '/v1/batch', batchWith(bad), key);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(99);
    expect(res.body.rejected).toEqual([
      {
        index: 99,
        messageId: null,
        reasons: [
          expect.objectContaining({ rule: expect.stringMatching(/nested deeper than 32 levels/) }),
        ],
      },
    ]);
    const ids = res.body.accepted;
    expect(ids).toBe(99);
  });

  it.each([
    [
      'a huge array',
      `{"type":"track","userId":"u","event":"E","properties":{"xs":[${Array(20_000).fill(0).join(',')}]}}`,
      /array of more than 10000 items|larger than 32 KB/,
    ],
    [
      'many keys',
      `{"type":"track","userId":"u","event":"E","properties":{${Array.from({ length: 1500 }, (_, i) => `"k${i}":1`).join(',')}}}`,
      /more than 1000 keys/,
    ],
    [
      'a deep array',
      `{"type":"track","userId":"u","event":"E","properties":{"x":${'['.repeat(3000)}${']'.repeat(3000)}}}`,
      /nested deeper/,
    ],
  ])('refuses %s per message and keeps the rest', async (_name, bad, rule) => {
    const res = await post(t, '/v1/batch', batchWith(bad), key);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(99);
    expect(res.body.rejected).toHaveLength(1);
    expect(res.body.rejected[0].index).toBe(99);
    expect(res.body.rejected[0].reasons[0].rule).toMatch(rule);
  });

  it('answers a single deep message with 400 and a reason, never 500', async () => {
    const res = await post(
      t,
      '/v1/track',
      `{"userId":"u","event":"E","properties":${nested(5000)}}`,
      key,
    );
    expect(res.status).toBe(400);
    expect(res.body.rejected[0].reasons[0].rule).toMatch(/nested deeper/);
  });

  it('refuses a body with a prototype key as a whole, naming where the key is', async () => {
    const batch = `{"batch":[${JSON.stringify(trackMessage())},{"type":"identify","userId":"p","traits":{"__proto__":{"admin":true}}}]}`;
    const res = await post(t, '/v1/batch', batch, key);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: 'body.batch[1].traits.__proto__: key is not allowed (a prototype key; rename it)',
      },
    });
    const gql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }","variables":{"constructor":{"prototype":{"x":1}}}}',
    });
    expect(gql.status).toBe(400);
    const answer = (await gql.json()) as { errors: { message: string; extensions: unknown }[] };
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors[0]).toMatchObject({
      message:
        'body.variables.constructor.prototype: key is not allowed (a prototype key; rename it)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('answers malformed JSON with 400 and an oversize body with 413, in the API error shape', async () => {
    const malformed = await post(t, '/v1/batch', '{"batch":[{"type":"track",', key);
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/body/),
      }),
    });
    const huge = await post(
      t,
      '/v1/batch',
      `{"batch":[],"pad":"${'x'.repeat(6 * 1024 * 1024)}"}`,
      key,
    );
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({
      error: expect.objectContaining({
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/body/),
      }),
    });
    const gql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":',
    });
    expect(gql.status).toBe(400);
    expect(JSON.stringify(await gql.json())).not.toMatch(/FST_|Unexpected end|stack/);
  });

  it('answers an empty JSON body and a form body outside ingestion with 400 naming the rule', async () => {
    const send = async (contentType: string, body: string) => {
      const res = await fetch(`${t.url}/v1/dbt/runs`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${key}` },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    expect(await send('application/json', '')).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_INPUT', message: 'body: is empty (send a JSON document)' } },
    });
    expect(await send('application/x-www-form-urlencoded', 'a=1')).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message: 'body: unsupported content-type (send application/json)',
        },
      },
    });
  });
});
