#!/usr/bin/env node
'use strict';
// Adds package-lock entries for optional platform packages (e.g. @swc/core-darwin-arm64) that a
// partial registry mirror did not serve when the lock was written. npm install skips such packages
// silently, but `npm ci` then rejects the lock ("Missing: …@ from lock file"). The entries carry
// os/cpu/libc, so each machine installs only its own platform's package.
// Usage: node scripts/complete-lockfile.js   (rewrites package-lock.json; review the diff)
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const LOCK = join(__dirname, '..', 'package-lock.json');
const OSES = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openharmony',
  'netbsd',
  'openbsd',
  'sunos',
  'aix',
];
const CPUS = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

function platformOf(name) {
  const tokens = name.split('/').pop().split('-');
  const os = OSES.find((o) => tokens.includes(o));
  const cpu = CPUS.find((c) => tokens.includes(c));
  if (!os || !cpu) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (os === 'linux' && tokens.some((t) => t.startsWith('musl'))) platform.libc = ['musl'];
  else if (os === 'linux' && tokens.some((t) => t.startsWith('gnu'))) platform.libc = ['glibc'];
  return platform;
}

// Where Node would find `dep` from the package at `path`: the nearest node_modules upwards.
function resolves(packages, path, dep) {
  for (let base = path; ;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${dep}`]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const platform = platformOf(dep);
    if (
      !platform ||
      !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version) ||
      resolves(lock.packages, path, dep)
    )
      continue;
    const at = lock.packages[`node_modules/${dep}`]
      ? `${path}/node_modules/${dep}`
      : `node_modules/${dep}`;
    lock.packages[at] = {
      version,
      ...platform,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added.push(`${dep}@${version}`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
  ),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(
  `added ${added.length} entr${added.length === 1 ? 'y' : 'ies'}${added.length ? `:\n  ${added.join('\n  ')}` : ''}\n`,
);
