'use strict';
// The V8 old-space limit the service runs with (TRAITBASE_HEAP_MB, default 512). Without one, V8
// sizes the heap from the machine's memory (~4 GB here) and lets old space grow to several times
// what is live between collections: a dbt sync holding ~70 MB then peaks above 400 MB, growing
// with the table. With a limit, the same sync stays near 240 MB whatever the size.
const DEFAULT_HEAP_MB = 512;

function heapMb(env = process.env) {
  const raw = env.TRAITBASE_HEAP_MB;
  if (raw === undefined || raw === '') return DEFAULT_HEAP_MB;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 64) {
    throw new Error(
      `TRAITBASE_HEAP_MB: must be an integer of at least 64 (MB), got ${JSON.stringify(raw)}`,
    );
  }
  return mb;
}

// The node flag, unless the caller already chose a limit (node flag or NODE_OPTIONS).
function heapFlags(execArgv = process.execArgv, env = process.env) {
  const chosen = [...execArgv, env.NODE_OPTIONS ?? ''].some((a) =>
    a.includes('--max-old-space-size'),
  );
  return chosen ? [] : [`--max-old-space-size=${heapMb(env)}`];
}

module.exports = { DEFAULT_HEAP_MB, heapMb, heapFlags };
