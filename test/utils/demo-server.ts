import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env';
import { freePort, ServerProcess, startServerProcess, waitForHealth } from './server-process';
import { dropSchema } from './test-schema';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'traitbase.js');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 240_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export async function adminSql(
  sql: string,
  url = TEST_DATABASE_URL,
): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

// A real server (`npm start`'s entry, from the sources) on a schema of its own, with a warehouse
// database of its own (the demo creates analytics.* there), for `traitbase demo` to load.
export interface DemoServer {
  url: string;
  schema: string;
  // The server's environment; the CLI runs with the same database settings.
  env: Record<string, string>;
  // The CLI (`traitbase <args>`) against this server and database.
  cli: (args: string[], extra?: Record<string, string>) => Promise<Result>;
  close: () => Promise<void>;
}

export async function startDemoServer(serverEnv: Record<string, string> = {}): Promise<DemoServer> {
  const suffix = randomBytes(5).toString('hex');
  const schema = `t_demo_${suffix}`;
  const warehouseDb = `tb_demo_wh_${suffix}`;
  await adminSql(`CREATE DATABASE ${warehouseDb}`);
  const home = mkdtempSync(join(tmpdir(), 'traitbase-demo-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    WAREHOUSE_URL: TEST_DATABASE_URL.replace(/\/[^/?]+(\?|$)/, `/${warehouseDb}$1`),
    REDIS_URL: TEST_REDIS_URL,
    PORT: String(port),
    TRAIT_DEFINITIONS_DIR: join(ROOT, 'trait-definitions'),
    TRAITBASE_HOME: home,
  };
  let server: ServerProcess | undefined;
  const close = async () => {
    await server?.stop();
    await dropSchema(schema);
    await adminSql(`DROP DATABASE IF EXISTS ${warehouseDb} WITH (FORCE)`);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    server = startServerProcess({ ...env, ...serverEnv });
    await waitForHealth(server, port, 120_000);
  } catch (err) {
    await close();
    throw err;
  }
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    run(process.execPath, [BIN, ...args], {
      ...env,
      NODE_OPTIONS: '',
      TRAITBASE_FROM_SOURCE: '1',
      TRAITBASE_URL: url,
      ...extra,
    });
  return { url, schema, env, cli, close };
}
