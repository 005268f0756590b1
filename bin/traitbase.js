#!/usr/bin/env node
'use strict';
// `npx traitbase …`: the compiled CLI when dist/ is built and current, else the TypeScript sources
// through @swc-node/register (TRAITBASE_FROM_SOURCE=1 forces the sources).
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, 'dist', 'src', 'cli', 'main.js');

// Newest mtime under a folder (folders count too, so added or deleted files are noticed).
function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

function builtIsCurrent() {
  if (process.env.TRAITBASE_FROM_SOURCE || !existsSync(built)) return false;
  const sources = join(root, 'src');
  return !existsSync(sources) || statSync(built).mtimeMs >= newestChange(sources);
}

if (builtIsCurrent()) {
  require(built);
} else {
  // Decorators and paths come from the project's tsconfig, whatever the working directory.
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(root, 'tsconfig.json');
  require('@swc-node/register');
  require(join(root, 'src', 'cli', 'main.ts'));
}
