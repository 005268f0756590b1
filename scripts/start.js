#!/usr/bin/env node
'use strict';
// `npm start`: builds (`npm run build`) when dist/ is missing or older than anything it is built
// from, then runs the server in this same process so signals reach it directly.
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

if (isStale()) {
  process.stderr.write('traitbase: building (first start, or the sources changed)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
require(ENTRY);
