import Redis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { withClient } from './bench-db';

export interface MachineInfo {
  date: string;
  gitSha: string;
  nproc: number;
  cpuModel: string;
  ramGb: number;
  kernel: string;
  node: string;
  postgres: string;
  redis: string;
  postgresSettings: Record<string, string>;
}

const PG_SETTINGS = [
  'shared_buffers',
  'synchronous_commit',
  'work_mem',
  'max_wal_size',
  'autovacuum',
  'jit',
];

function cpuModel(): string {
  const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return m?.[1].trim() ?? cpus()[0]?.model ?? 'unknown';
}

function gitSha(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  try {
    const sha = git('rev-parse', '--short=12', 'HEAD');
    // Uncommitted changes in the measured code make the SHA alone misleading.
    const dirty =
      git(
        'status',
        '--porcelain',
        '--',
        'src',
        'bench',
        'migrations',
        ':!bench/results',
        ':!bench/RESULTS.md',
      ) !== '';
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

async function redisVersion(): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /^redis_version:(.+)$/m.exec(info)?.[1].trim() ?? 'unknown';
  } catch {
    return 'not reachable';
  } finally {
    redis.disconnect();
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const pg = await withClient(async (c) => {
    const version = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]
      .server_version;
    const settings: Record<string, string> = {};
    for (const name of PG_SETTINGS) {
      settings[name] = (await c.query<Record<string, string>>(`SHOW ${name}`)).rows[0][name];
    }
    return { version, settings };
  });
  return {
    date: new Date().toISOString(),
    gitSha: gitSha(),
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    ramGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    postgres: pg.version,
    redis: await redisVersion(),
    postgresSettings: pg.settings,
  };
}
