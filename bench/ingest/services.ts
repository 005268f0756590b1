import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BENCH_DATABASE_URL } from '../lib/bench-db';
import { serviceHeapFlags } from '../lib/heap-flags';
import { vmHwmKb } from '../lib/proc-status';

const REPO_ROOT = join(__dirname, '../..');
export const SERVICE_CPU = '0';
// Start-up includes the migration check under its advisory lock, which other work may hold a while.
const START_TIMEOUT_MS = 180_000;

export interface Service {
  url: string;
  pid: number;
  stop: () => Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with code ${child.exitCode}`);
    const ok = await fetch(url, { method: 'GET' }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

// Services still running when this process ends (an error, a signal, a CI budget) go with it.
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));

// A TypeScript entry point in its own process, pinned to the service CPU.
async function startPinned(
  script: string,
  env: Record<string, string>,
  probe: string,
): Promise<Service> {
  const port = await freePort();
  const child = spawn(
    'taskset',
    [
      '-c',
      SERVICE_CPU,
      process.execPath,
      ...serviceHeapFlags({ ...process.env, NODE_OPTIONS: '' }),
      '-r',
      '@swc-node/register',
      join(REPO_ROOT, script),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${port}`;
  // A service that does not come up is stopped, never left behind.
  await waitForHttp(`${url}${probe}`, child).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      // taskset execs node, so the child's pid is the service's.
      const peak = vmHwmKb(child.pid) ?? null;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      return peak;
    },
  };
}

export const BENCH_WRITE_KEY = `bench_${randomBytes(16).toString('hex')}`;

export function startTraitbase(
  schema: string,
  role: 'api' | 'worker',
  definitionsDir: string,
): Promise<Service> {
  return startPinned(
    'src/main.ts',
    {
      DATABASE_URL: BENCH_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      TRAITBASE_ROLE: role,
      TRAITBASE_ADMIN_KEY: BENCH_WRITE_KEY,
      // Far above the load, so each request pays the rate-limit count in Redis without being refused.
      RATE_LIMIT: '1000000000/1s',
      TRAIT_DEFINITIONS_DIR: definitionsDir,
      LOG_LEVEL: 'warn',
    },
    '/health/live',
  );
}

export function startEmptyHandler(): Promise<Service> {
  return startPinned('bench/ingest/empty-handler.main.ts', {}, '/v1/ping');
}
