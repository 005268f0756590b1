'use strict';
// The built server (dist/), rebuilt (`npm run build`) when it is missing or older than anything it
// is built from. `npm start` runs it; so do the benchmarks, which measure the server as shipped.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const ENTRY = join(ROOT, 'dist', 'src', 'main.js');
const INPUTS = [
  'src',
  'migrations',
  'web',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
];
const SKIP = new Set(['node_modules', 'dist', '.vite']);

// Newest mtime below a path; directories count too, so added or deleted files are noticed.
function newestChange(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => !SKIP.has(name))
    .reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

function isStale() {
  if (!existsSync(ENTRY)) return true;
  const built = statSync(ENTRY).mtimeMs;
  return INPUTS.some((input) => newestChange(join(ROOT, input)) > built);
}

// Builds when stale; returns the build's exit status (0 when nothing had to be built).
function buildIfStale(stdio = 'inherit') {
  if (!isStale()) return 0;
  process.stderr.write('traitbase: building (first start, or the sources changed)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio });
  return build.status ?? 1;
}

module.exports = { ENTRY, buildIfStale };
