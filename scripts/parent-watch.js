'use strict';
// Loaded with `--require` into the server that scripts/supervise.js starts in its own process group.
// A SIGKILL of `npm start`'s group kills the supervisor but cannot reach the server: when its parent
// goes away the server stops itself the usual way (SIGTERM: shutdown hooks, the embedded PostgreSQL
// stopped, the port freed), so the next start does not find the port taken.
const { clearInterval, setInterval } = require('node:timers');

const CHECK_MS = 250;
const parent = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(watch);
  process.kill(process.pid, 'SIGTERM');
}, CHECK_MS);
watch.unref();
