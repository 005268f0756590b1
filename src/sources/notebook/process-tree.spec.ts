import { aliveIn, parseStat } from './process-tree';

describe('parseStat', () => {
  it('reads pid, parent, group, session and start time past a command name with spaces and parens', () => {
    const stat =
      '4242 (python3 (kernel) x) S 4200 4242 4242 0 -1 4194560 1 0 0 0 5 1 0 0 20 0 3 0 987654 1 2';
    expect(parseStat(stat)).toEqual({
      pid: 4242,
      ppid: 4200,
      pgid: 4242,
      sid: 4242,
      state: 'S',
      start: 987654,
    });
  });
});

describe('aliveIn', () => {
  it('counts members of a group or session, not zombies', () => {
    const procs = [
      { pid: 1, ppid: 0, pgid: 10, sid: 10, state: 'S', start: 1 },
      { pid: 2, ppid: 1, pgid: 11, sid: 20, state: 'S', start: 1 },
      { pid: 3, ppid: 1, pgid: 10, sid: 10, state: 'Z', start: 1 },
      { pid: 4, ppid: 1, pgid: 30, sid: 30, state: 'R', start: 1 },
    ];
    expect(aliveIn(new Set([10, 20]), procs).map((p) => p.pid)).toEqual([1, 2]);
  });
});
