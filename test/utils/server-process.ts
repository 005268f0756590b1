import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');

export interface ServerProcess {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

// Runs `src/main.ts` as its own process, the way `npm start` runs the built main.js: a fresh
// working directory (no .env, no .traitbase) and only the environment given here.
export function startServerProcess(env: Record<string, string>): ServerProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'traitbase-cwd-'));
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? cwd,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

// The server on the test database in `schema`, the test Redis and a free port, plus `env`.
export async function startTestServer(
  schema: string,
  env: Record<string, string> = {},
): Promise<{ server: ServerProcess; port: number }> {
  const port = await freePort();
  const server = startServerProcess({
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    REDIS_URL: TEST_REDIS_URL,
    PORT: String(port),
    ...env,
  });
  return { server, port };
}

// Polls GET /health until it answers 200, the process exits, or the deadline passes.
export async function waitForHealth(
  server: ServerProcess,
  port: number,
  timeoutMs = 60_000,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (res?.status === 200) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { stdout, stderr } = server.output();
  throw new Error(`server did not become healthy (exited: ${exited})\n${stdout}\n${stderr}`);
}

// A worker-only process of the deployment a test app runs (same schema, same Redis prefix),
// healthy before it is returned.
export async function startWorkerProcess(
  db: { url: string; schema: string },
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const worker = startServerProcess({
    DATABASE_URL: db.url,
    DATABASE_SCHEMA: db.schema,
    REDIS_URL: TEST_REDIS_URL,
    TRAITBASE_ROLE: 'worker',
    PORT: String(port),
    TRAIT_DEFINITIONS_DIR: `/nonexistent-${db.schema}`,
    ...env,
  });
  await waitForHealth(worker, port);
  return worker;
}
