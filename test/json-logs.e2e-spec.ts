import { randomBytes } from 'node:crypto';
import { startTestServer, waitForHealth } from './utils/server-process';
import { dropSchema } from './utils/test-schema';
import { waitFor } from './utils/wait';

jest.setTimeout(90_000);

// LOG_FORMAT=json (the default in production and CI): one JSON object a line, each line of a
// request carrying its id, which the response returns.
describe('structured logs', () => {
  const schema = `t_logs_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    await dropSchema(schema);
  });

  it('writes JSON lines with context and request ids', async () => {
    const { server, port } = await startTestServer(schema, {
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
    });
    try {
      await waitForHealth(server, port);
      const given = await fetch(`http://127.0.0.1:${port}/health/live`, {
        headers: { 'x-request-id': 'probe-42' },
      });
      expect(given.headers.get('x-request-id')).toBe('probe-42');
      const forged = await fetch(`http://127.0.0.1:${port}/health/live`, {
        headers: { 'x-request-id': 'a b"}' },
      });
      expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      const lines = () =>
        server
          .output()
          .stdout.split('\n')
          .filter((l) => l.trim() !== '');
      const probe = await waitFor('the request line', () =>
        lines().find((l) => l.includes('probe-42')),
      );
      expect(JSON.parse(probe)).toMatchObject({
        level: 20,
        context: 'HTTP',
        reqId: 'probe-42',
        msg: expect.stringMatching(/^GET \/health\/live 200 [0-9.]+ms$/),
      });
      for (const line of lines()) expect(() => JSON.parse(line)).not.toThrow();
      expect(lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain(
        `listening on http://localhost:${port} (role all)`,
      );
    } finally {
      await server.stop();
    }
  });
});
