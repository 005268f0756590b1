#!/usr/bin/env node
'use strict';
// `npm start`: builds (`npm run build`) when dist/ is missing or older than anything it is built
// from, then runs the server with its heap limit.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { heapFlags } = require('./heap');
const { supervise } = require('./supervise');

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

// The server runs with a heap limit (scripts/heap.js): when this process was started without one,
// the server runs in a child process that has it (scripts/supervise.js: signals passed on, its exit
// code kept, stopped when this process is orphaned).
let flags;
try {
  flags = heapFlags();
} catch (err) {
  process.stderr.write(`traitbase: ${err.message}\n`);
  process.exit(1);
}
if (isStale()) {
  process.stderr.write('traitbase: building (first start, or the sources changed)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (flags.length === 0) {
  require(ENTRY);
} else {
  supervise(process.execPath, [...flags, ENTRY], { cwd: process.cwd() });
}
