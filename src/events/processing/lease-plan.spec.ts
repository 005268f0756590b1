import { leasePlan, LeaseView } from './lease-plan';

function view(over: Partial<LeaseView>): LeaseView {
  return {
    shards: 8,
    members: 1,
    mine: new Set(),
    heldAnywhere: new Set(),
    busy: () => false,
    offset: 0,
    ...over,
  };
}

describe('leasePlan', () => {
  it('a lone process takes every free shard', () => {
    expect(leasePlan(view({}))).toEqual({ release: [], take: [0, 1, 2, 3, 4, 5, 6, 7] });
  });

  it('a second process makes the first release down to its share, idle shards first', () => {
    const mine = new Set([0, 1, 2, 3, 4, 5, 6, 7]);
    const plan = leasePlan(view({ members: 2, mine, heldAnywhere: mine, busy: (s) => s === 7 }));
    expect(plan).toEqual({ release: [6, 5, 4, 3], take: [] });
  });

  it('the newcomer takes free shards up to its share, from its offset', () => {
    const plan = leasePlan(
      view({ members: 2, heldAnywhere: new Set([0, 1, 2, 3, 4, 5]), offset: 3 }),
    );
    expect(plan).toEqual({ release: [], take: [6, 7] });
  });

  it("takes a dead process's shards once it is gone", () => {
    const mine = new Set([0, 1, 2, 3]);
    expect(leasePlan(view({ members: 1, mine, heldAnywhere: mine }))).toEqual({
      release: [],
      take: [4, 5, 6, 7],
    });
  });

  it('shares unevenly counts round up (3 processes, 8 shards: 3 each at most)', () => {
    const mine = new Set([0, 1, 2, 3]);
    expect(leasePlan(view({ members: 3, mine, heldAnywhere: mine })).release).toEqual([3]);
  });
});
