import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const INDEX = join(ROOT, 'dist', 'web', 'index.html');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((n, name) => Math.max(n, newest(join(path, name))), stat.mtimeMs);
}

// The browser tests drive the built UI (dist/web, what the server serves): build it when it is
// missing or older than web/ (`npm run build` builds it too).
export function ensureWebBuilt(): void {
  if (existsSync(INDEX) && statSync(INDEX).mtimeMs >= newest(join(ROOT, 'web'))) return;
  const vite = spawnSync(
    'npx',
    ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (vite.status !== 0) throw new Error(`vite build failed:\n${vite.stdout}\n${vite.stderr}`);
}
