// The heap limit the service runs with (scripts/heap.js, TRAITBASE_HEAP_MB), for the processes a
// benchmark starts to run product code, so memory is measured as shipped. `env` is the child's
// environment: a limit already in its NODE_OPTIONS is left alone.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const heap = require('../../scripts/heap') as {
  heapFlags: (execArgv: string[], env: NodeJS.ProcessEnv) => string[];
};

export function serviceHeapFlags(env: NodeJS.ProcessEnv): string[] {
  return heap.heapFlags([], env);
}
