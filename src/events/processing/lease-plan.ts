export interface LeaseView {
  shards: number;
  // Worker processes of the deployment that are alive now (this one included).
  members: number;
  // Shards this process holds, and those held by any process (this one included).
  mine: ReadonlySet<number>;
  heldAnywhere: ReadonlySet<number>;
  // Shards of this process that are being drained: never released mid-drain.
  busy: (shard: number) => boolean;
  // Where this process starts looking for free shards, so processes joining together do not all
  // try the same ones.
  offset: number;
}

export interface LeasePlan {
  release: number[];
  take: number[];
}

// Fair share: every live process holds at most ceil(shards / members). One over its share releases
// idle shards; one under it takes free ones. Repeated each tick, the shares settle within a few
// ticks of a process joining or dying.
export function leasePlan(view: LeaseView): LeasePlan {
  const share = Math.ceil(view.shards / Math.max(view.members, 1));
  const surplus = view.mine.size - share;
  if (surplus > 0) {
    const idle = [...view.mine].filter((s) => !view.busy(s)).sort((a, b) => b - a);
    return { release: idle.slice(0, surplus), take: [] };
  }
  const take: number[] = [];
  for (let i = 0; i < view.shards && take.length < -surplus; i++) {
    const shard = (view.offset + i) % view.shards;
    if (!view.heldAnywhere.has(shard)) take.push(shard);
  }
  return { release: [], take };
}
