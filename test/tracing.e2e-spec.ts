import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './utils/env';
import {
  freePort,
  startServerProcess,
  startTestServer,
  waitForHealth,
} from './utils/server-process';
import { dropSchema } from './utils/test-schema';
import { waitFor } from './utils/wait';

jest.setTimeout(90_000);

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}
interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const SERVER = 2;
const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
};

// An OTLP/HTTP collector: keeps every body posted to /v1/traces.
async function collector(): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${port}`, bodies };
}

// OTEL_EXPORTER_OTLP_ENDPOINT: spans of requests, queries and Redis commands go to an OTLP
// collector, named by route, carrying the request id, and without personal data.
describe('OpenTelemetry traces', () => {
  const schema = `t_otel_${randomBytes(5).toString('hex')}`;
  const adminKey = `admin_${randomBytes(12).toString('hex')}`;
  const email = `tracer.${randomBytes(4).toString('hex')}@example.com`;
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('exports named spans with the request id and no identity, key or URL', async () => {
    const sink = await collector();
    const { server, port } = await startTestServer(schema, {
      TRAITBASE_ADMIN_KEY: adminKey,
      TRAIT_DEFINITIONS_DIR: join(__dirname, '..', 'trait-definitions'),
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_SERVICE_NAME: 'traitbase-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    try {
      await waitForHealth(server, port);
      const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
      const write = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query:
            'mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { revisions } }',
          variables: {
            input: {
              rows: [
                {
                  identity: { type: 'email', value: email },
                  trait: 'preferred_language',
                  value: 'en',
                },
              ],
            },
          },
        }),
      });
      expect(await write.text()).toContain('"revisions":1');
      const read = await fetch(
        `http://127.0.0.1:${port}/v1/profiles/${encodeURIComponent(`email:${email}`)}/traits`,
        { headers },
      );
      expect(read.status).toBe(200);
      const requestId = read.headers.get('x-request-id')!;
      const missing = await fetch(
        `http://127.0.0.1:${port}/v1/profiles/${encodeURIComponent(`email:nobody.${email}`)}/traits`,
        { headers },
      );
      expect(missing.status).toBe(404);

      const spans = () =>
        sink.bodies.flatMap((b) =>
          (JSON.parse(b) as OtlpBody).resourceSpans.flatMap((r) =>
            r.scopeSpans.flatMap((s) => s.spans),
          ),
        );
      const readSpan = await waitFor('the read span', () =>
        spans().find((s) => s.kind === SERVER && attr(s, 'traitbase.request_id') === requestId),
      );
      expect(readSpan.name).toBe('GET /v1/profiles/:identity/traits');
      expect(attr(readSpan, 'http.route')).toBe('/v1/profiles/:identity/traits');
      expect(attr(readSpan, 'http.response.status_code')).toBe(200);
      // Its queries are its children, in the same trace.
      const queries = await waitFor('a query of the write', () => {
        const q = spans().filter((s) => s.name.startsWith('pg.query'));
        return q.length > 0 ? q : undefined;
      });
      expect(
        queries.every((q) =>
          q.attributes.every((a) => !a.key.includes('statement') && !a.key.includes('query.text')),
        ),
      ).toBe(true);
      await waitFor('the 404 span', () =>
        spans().find((s) => s.kind === SERVER && attr(s, 'http.response.status_code') === 404),
      );
      const graphql = spans().find((s) => s.name === 'POST /graphql');
      expect(graphql).toBeDefined();
      expect(
        spans().some((s) => s.traceId === graphql!.traceId && s.parentSpanId === graphql!.spanId),
      ).toBe(true);

      // Health probes are not traced.
      expect(spans().some((s) => s.name.includes('/health'))).toBe(false);
      const text = sink.bodies.join('\n');
      expect(text).toContain('traitbase-test');
      for (const secret of [
        email,
        encodeURIComponent(email),
        adminKey,
        'tracer.',
        '/v1/profiles/email',
      ])
        expect(text).not.toContain(secret);
    } finally {
      await server.stop();
      sink.server.close();
    }
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', async () => {
    const server = startServerProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(await freePort()),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(server.output().stderr).toContain(
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL of an OTLP/HTTP collector',
    );
  });
});
