import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { freePort } from '../../test/utils/server-process';
import { BENCH_DATABASE_URL } from './bench-db';
import { serviceHeapFlags } from './heap-flags';
import { vmHwmKb } from './proc-status';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../scripts/build') as {
  ENTRY: string;
  buildIfStale: (stdio: unknown) => number;
};

// Services under test, each in its own process pinned to SERVICE_CPU, so the load generator (on
// the other CPU) never shares their event loop. The product runs as `npm start` runs it: the
// built server (dist/, rebuilt first when older than its sources) with the heap limit it ships
// with; baselines run from TypeScript.
const REPO_ROOT = join(__dirname, '../..');
export const SERVICE_CPU = '0';
export const LOAD_CPU = '1';
// Start-up includes the migration check under its advisory lock, which other work may hold a while.
const START_TIMEOUT_MS = 180_000;

export interface Service {
  url: string;
  pid: number;
  // Stops the service and returns its peak RSS (VmHWM, kB).
  stop: () => Promise<number | null>;
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

// An entry point (TypeScript, or built JavaScript) in its own process, pinned to the service CPU
// (or `cpu`); `probe` is a path that answers (below 500) once it listens.
export async function startPinned(
  script: string,
  env: Record<string, string>,
  probe: string,
  cpu = SERVICE_CPU,
): Promise<Service> {
  const port = await freePort();
  const child = spawn(
    'taskset',
    [
      '-c',
      cpu,
      process.execPath,
      ...serviceHeapFlags({ ...process.env, NODE_OPTIONS: '' }),
      ...(script.endsWith('.ts') ? ['-r', '@swc-node/register'] : []),
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
      if (child.exitCode !== null || child.signalCode !== null) return peak;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      return peak;
    },
  };
}

export const BENCH_WRITE_KEY = `bench_${randomBytes(16).toString('hex')}`;

let built = false;

// The built server, rebuilt once per benchmark process when its sources changed.
function builtEntry(): string {
  if (!built) {
    // The build's output goes to stderr: a figure's stdout is its JSON line.
    const status = build.buildIfStale(['ignore', 2, 2]);
    if (status !== 0) throw new Error(`npm run build exited with ${status}`);
    built = true;
  }
  return relative(REPO_ROOT, build.ENTRY);
}

// The product as shipped (the built src/main.ts) on the bench database; `env` adds or overrides
// settings (PROFILE_CACHE_SIZE, …).
export function startTraitbase(
  schema: string,
  role: 'api' | 'worker',
  definitionsDir: string,
  env: Record<string, string> = {},
  cpu = SERVICE_CPU,
): Promise<Service> {
  return startPinned(
    builtEntry(),
    {
      DATABASE_URL: BENCH_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      TRAITBASE_ROLE: role,
      TRAITBASE_ADMIN_KEY: BENCH_WRITE_KEY,
      // Far above the load, so each request pays the rate-limit count in Redis without being refused.
      RATE_LIMIT: '1000000000/1s',
      TRAIT_DEFINITIONS_DIR: definitionsDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    '/health/live',
    cpu,
  );
}

// The same HTTP adapter (Nest on Fastify) with handlers that do nothing; `body` is the JSON its
// GET /v1/profiles/:identity/traits answers from memory.
export function startEmptyHandler(body = '{}'): Promise<Service> {
  return startPinned('bench/baselines/empty-handler.main.ts', { BENCH_BODY: body }, '/v1/ping');
}

// A bare node:http server answering every request with `body` from memory.
export function startBareHttp(body: string): Promise<Service> {
  return startPinned('bench/baselines/bare-http.main.ts', { BENCH_BODY: body }, '/');
}

// A raw `ws` server broadcasting a message of `bytes` to every client when one asks.
export function startWsFanout(bytes: number): Promise<Service> {
  return startPinned('bench/baselines/ws-fanout.main.ts', { BENCH_BYTES: String(bytes) }, '/');
}
