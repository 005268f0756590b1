import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const heap = require('../scripts/heap') as {
  DEFAULT_HEAP_MB: number;
  heapFlags: (execArgv: string[], env: NodeJS.ProcessEnv) => string[];
};

// `npm start` (scripts/start.js) runs the server with a V8 heap limit: TRAITBASE_HEAP_MB or 512.
describe('the heap limit of npm start', () => {
  it('adds --max-old-space-size from TRAITBASE_HEAP_MB, or the default', () => {
    expect(heap.heapFlags([], {})).toEqual([`--max-old-space-size=${heap.DEFAULT_HEAP_MB}`]);
    expect(heap.heapFlags([], { TRAITBASE_HEAP_MB: '300' })).toEqual(['--max-old-space-size=300']);
  });

  it('leaves a limit given on the command line or in NODE_OPTIONS alone', () => {
    expect(heap.heapFlags(['--max-old-space-size=900'], {})).toEqual([]);
    expect(heap.heapFlags([], { NODE_OPTIONS: '--max-old-space-size=900' })).toEqual([]);
  });

  it('refuses a bad TRAITBASE_HEAP_MB with exit 1 and one line naming the variable and the rule', () => {
    for (const bad of ['lots', '12', '256.5']) {
      const res = spawnSync(process.execPath, [join(__dirname, '../scripts/start.js')], {
        env: { ...process.env, NODE_OPTIONS: '', TRAITBASE_HEAP_MB: bad },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(res.status).toBe(1);
      expect(res.stderr.trim()).toBe(
        `traitbase: TRAITBASE_HEAP_MB: must be an integer of at least 64 (MB), got "${bad}"`,
      );
    }
  });
});
