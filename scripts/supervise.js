'use strict';
// Runs a command as a child in its own process group and stands in for it: signals are passed on,
// the child's exit code becomes ours, and when this process is orphaned — `npm start` killed with
// SIGTERM passes it to the `sh -c` between npm and us, which dies without passing it further —
// the child is sent SIGTERM, so a stopped `npm start` never leaves a server running. The command is a
// node script: it runs with scripts/parent-watch.js, which stops it when this process is killed outright
// (SIGKILL of the whole group, where nothing here gets to run).
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { clearInterval, setInterval } = require('node:timers');

const PARENT_WATCH = join(__dirname, 'parent-watch.js');

const ORPHAN_CHECK_MS = 500;

function supervise(nodeExecutable, args, options = {}) {
  // Its own process group: a terminal's Ctrl-C reaches it once, through this process.
  const child = spawn(nodeExecutable, ['--require', PARENT_WATCH, ...args], {
    stdio: 'inherit',
    ...options,
    detached: true,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(watch);
      child.kill('SIGTERM');
    }
  }, ORPHAN_CHECK_MS);
  watch.unref();
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

module.exports = { supervise };
