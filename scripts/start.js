#!/usr/bin/env node
'use strict';
// `npm start`: builds (`npm run build`) when dist/ is missing or older than anything it is built
// from, then runs the server with its heap limit.
const { ENTRY, buildIfStale } = require('./build');
const { heapFlags } = require('./heap');
const { supervise } = require('./supervise');

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
const built = buildIfStale();
if (built !== 0) process.exit(built);
if (flags.length === 0) {
  require(ENTRY);
} else {
  supervise(process.execPath, [...flags, ENTRY], { cwd: process.cwd() });
}
