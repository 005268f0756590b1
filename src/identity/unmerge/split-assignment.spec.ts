import { assignGroups } from './split-assignment';

const at = (s: string) => new Date(`2026-01-0${s}T00:00:00Z`);

describe('assignGroups', () => {
  it('keeps the profile holding most of a group; the split identity leaves', () => {
    const out = assignGroups({
      groups: [['x'], ['a', 'b']],
      current: new Map([
        ['x', 'P'],
        ['a', 'P'],
        ['b', 'P'],
      ]),
      createdAt: new Map([['P', at('1')]]),
      splitKey: 'x',
    });
    expect(out.kept).toEqual([null, 'P']);
    expect(out.dissolved.size).toBe(0);
  });

  it('on a tie the group without the split identity keeps the profile, then the older profile wins', () => {
    expect(
      assignGroups({
        groups: [['x'], ['a']],
        current: new Map([
          ['x', 'P'],
          ['a', 'P'],
        ]),
        createdAt: new Map([['P', at('1')]]),
        splitKey: 'x',
      }).kept,
    ).toEqual([null, 'P']);
    expect(
      assignGroups({
        groups: [['a', 'b']],
        current: new Map([
          ['a', 'NEW'],
          ['b', 'OLD'],
        ]),
        createdAt: new Map([
          ['NEW', at('5')],
          ['OLD', at('1')],
        ]),
        splitKey: 'x',
      }),
    ).toEqual({ kept: ['OLD'], dissolved: new Map([['NEW', 0]]) });
  });
});
