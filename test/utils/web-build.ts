import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(__dirname, '..', '..');
const INDEX = join(ROOT, 'dist', 'web', 'index.html');
// One build at a time: browser test files run in parallel and each may find the build stale.
const LOCK = join(ROOT, 'dist', '.web-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((n, name) => Math.max(n, newest(join(path, name))), stat.mtimeMs);
}

const fresh = () => existsSync(INDEX) && statSync(INDEX).mtimeMs >= newest(join(ROOT, 'web'));

function build(): void {
  const vite = spawnSync(
    'npx',
    ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (vite.status !== 0) throw new Error(`vite build failed:\n${vite.stdout}\n${vite.stderr}`);
}

// The browser tests drive the built UI (dist/web, what the server serves): build it when it is
// missing or older than web/ (`npm run build` builds it too). A file that finds another file's
// build under way waits for it.
export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + STALE_LOCK_MS;
  while (!fresh()) {
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    try {
      mkdirSync(LOCK);
    } catch {
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS)
        rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('gave up waiting for another web build');
      await sleep(500);
      continue;
    }
    try {
      if (!fresh()) build();
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
