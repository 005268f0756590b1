import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { TEST_DATABASE_URL } from './utils/env';
import { freePort, portOpen, startServerProcess, waitForHealth } from './utils/server-process';
import { dropSchema } from './utils/test-schema';
import { waitFor } from './utils/wait';

jest.setTimeout(90_000);

// A Redis of the test's own, so it can be stopped while the server runs.
function startRedis(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null) return;
  const exited = new Promise((resolve) => redis.once('exit', resolve));
  redis.kill('SIGKILL');
  await exited;
}

describe('a Redis outage while the server runs', () => {
  const schema = `t_redis_${randomBytes(5).toString('hex')}`;
  let redis: ChildProcess | undefined;
  afterAll(async () => {
    if (redis) await stopRedis(redis);
    await dropSchema(schema);
  });

  it('logs one line when Redis goes away and one when it is back, with no stack dumps', async () => {
    const [port, redisPort] = [await freePort(), await freePort()];
    redis = startRedis(redisPort);
    await waitFor('redis to listen', () => portOpen(redisPort), { timeoutMs: 10_000, everyMs: 50 });
    const server = startServerProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PORT: String(port),
      LOG_LEVEL: 'log',
    });
    try {
      await waitForHealth(server, port);
      await stopRedis(redis);
      // eslint-disable-next-line no-control-regex
      const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
      const logged = () => plain(server.output().stdout + server.output().stderr);
      await waitFor('the outage line', () => logged().includes('[Redis] unreachable'), {
        timeoutMs: 15_000,
        everyMs: 100,
      });
      await new Promise((resolve) => setTimeout(resolve, 4000)); // several retries of every client
      redis = startRedis(redisPort);
      await waitFor('the recovery line', () => /\[Redis\] reachable again after/.test(logged()), {
        timeoutMs: 30_000,
        everyMs: 100,
      });
      await waitForHealth(server, port);
      const lines = logged().split('\n');
      const said = lines.filter((l) => l.includes('[Redis]'));
      expect(said).toHaveLength(2);
      // stdout (log) and stderr (error) are read apart, so the two lines come in either order.
      expect(said.join('\n')).toMatch(
        /\[Redis\] unreachable \(.+\): queues, workers and caches wait/,
      );
      expect(said.join('\n')).toMatch(/\[Redis\] reachable again after [0-9.]+s/);
      expect(lines.filter((l) => l.includes('ECONNREFUSED') && !l.includes('[Redis]'))).toEqual([]);
      expect(logged()).not.toMatch(/Unhandled error event|^\s+at /m);
    } finally {
      if (redis.exitCode !== null) redis = startRedis(redisPort); // the server stops with Redis up
      await server.stop();
    }
  });
});
