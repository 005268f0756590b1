import { randomBytes } from 'node:crypto';
import { startTestServer, waitForHealth } from './utils/server-process';
import { dropSchema } from './utils/test-schema';
import { waitFor } from './utils/wait';

jest.setTimeout(90_000);

const ADMIN = `admin_${randomBytes(16).toString('hex')}`;
const WRITE =
  'mutation { writeTraits(input: { rows: [{ identity: { type: "user_id", value: "u1" }, trait: "no_such_trait", value: 1 }] }) { rejected { index } } }';

interface Line {
  level: number;
  context?: string;
  reqId?: string;
  msg: string;
}

// LOG_FORMAT=json (the default in production and CI): one JSON object a line; a request's own
// lines carry its id, which the response returns; with LOG_REQUEST_CONTEXT=true every line logged
// while it is served does.
describe('structured logs', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  const serve = async (env: Record<string, string>) => {
    const schema = `t_logs_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    const { server, port } = await startTestServer(schema, {
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
      TRAITBASE_ADMIN_KEY: ADMIN,
      ...env,
    });
    await waitForHealth(server, port);
    const lines = (): Line[] =>
      server
        .output()
        .stdout.split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Line);
    // A writeTraits call: its resolver's service logs a debug line about the batch.
    const write = (reqId: string) =>
      fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${ADMIN}`,
          'x-request-id': reqId,
        },
        body: JSON.stringify({ query: WRITE }),
      });
    const batchLine = () =>
      waitFor('the batch line', () => lines().find((l) => l.context === 'TraitWriter'));
    return { server, port, lines, write, batchLine };
  };

  it('writes JSON lines with context, and request ids on the request’s own lines', async () => {
    const { server, port, lines, write, batchLine } = await serve({});
    try {
      const given = await fetch(`http://127.0.0.1:${port}/health/live`, {
        headers: { 'x-request-id': 'probe-42' },
      });
      expect(given.headers.get('x-request-id')).toBe('probe-42');
      const forged = await fetch(`http://127.0.0.1:${port}/health/live`, {
        headers: { 'x-request-id': 'a b"}' },
      });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      const probe = await waitFor('the request line', () =>
        lines().find((l) => l.reqId === 'probe-42'),
      );
      expect(probe).toMatchObject({
        level: 20,
        context: 'HTTP',
        reqId: 'probe-42',
        msg: expect.stringMatching(/^GET \/health\/live 200 [0-9.]+ms$/),
      });
      expect(lines().map((l) => l.msg)).toContain(
        `listening on http://localhost:${port} (role all)`,
      );
      expect((await write('probe-43')).status).toBe(200);
      expect((await batchLine()).reqId).toBeUndefined();
      await waitFor('the write’s access line', () =>
        lines().find((l) => l.reqId === 'probe-43' && l.context === 'HTTP'),
      );
    } finally {
      await server.stop();
    }
  });

  it('with LOG_REQUEST_CONTEXT=true, names the request on every line logged while it is served', async () => {
    const { server, write, batchLine } = await serve({ LOG_REQUEST_CONTEXT: 'true' });
    try {
      expect((await write('probe-44')).status).toBe(200);
      expect(await batchLine()).toMatchObject({ level: 20, reqId: 'probe-44' });
    } finally {
      await server.stop();
    }
  });
});
