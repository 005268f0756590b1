import type { Observation } from '../../src/identity/resolve/observation.types';

// A game studio's identity traffic, ten observations of 7 identities per player, in order:
//   1 {anonymous_id a0, device_id d}   first session: new profile
//   2 {user_id u, email e}             signs up in the shop: new profile
//   3 {anonymous_id a0}                plays again: nothing changes
//   4 {user_id u, anonymous_id a0}     logs in in the game: MERGE (two known profiles)
//   5 {user_id u, anonymous_id a1}     new install: a1 joins
//   6 {user_id u, email e}             shop again: nothing changes
//   7 {anonymous_id a1, device_id d}   already together
//   8 {user_id u, anonymous_id a2, device_id d2}  second device: a2 and d2 join
//   9 {anonymous_id a0, user_id u}     the set of step 4 again: nothing changes
//  10 {email e}                         nothing changes
// → 10% merges, 20% new profiles, 20% joins, 50% already together.
export const STEPS = 10;
export const WINDOW = 1_000;
export const MERGES_PER_PLAYER = 1;

function identities(player: number, step: number): Observation['identities'] {
  const p = player.toString(36);
  const u = { type: 'user_id', value: `u-${p}` };
  const e = { type: 'email', value: `p${p}@players.example.net` };
  const a = (k: number) => ({ type: 'anonymous_id', value: `a${k}-${p}` });
  const d = (k: number) => ({ type: 'device_id', value: `d${k}-${p}` });
  switch (step) {
    case 0:
      return [a(0), d(0)];
    case 1:
      return [u, e];
    case 2:
      return [a(0)];
    case 3:
      return [u, a(0)];
    case 4:
      return [u, a(1)];
    case 5:
      return [u, e];
    case 6:
      return [a(1), d(0)];
    case 7:
      return [u, a(2), d(1)];
    case 8:
      return [a(0), u];
    default:
      return [e];
  }
}

// Players come in windows of WINDOW; in a window, player i starts at round i mod STEPS and takes
// one step per round, so every round mixes steps and each player meets its steps in order.
function windowObservations(window: number): Observation[] {
  const out: Observation[] = [];
  for (let round = 0; round < 2 * STEPS - 1; round++) {
    for (let slot = 0; slot < WINDOW; slot++) {
      const step = round - (slot % STEPS);
      if (step < 0 || step >= STEPS) continue;
      const n = window * WINDOW * STEPS + out.length;
      out.push({
        identities: identities(window * WINDOW + slot, step),
        cause: { kind: 'bench', ref: `obs-${n}` },
      });
    }
  }
  return out;
}

let cached: { window: number; observations: Observation[] } | undefined;

// Observation n depends only on n (through its window), so any batch can be generated alone.
export function observation(n: number): Observation {
  const window = Math.floor(n / (WINDOW * STEPS));
  if (cached?.window !== window) cached = { window, observations: windowObservations(window) };
  return cached.observations[n - window * WINDOW * STEPS];
}

export function* batches(from: number, count: number, size: number): Generator<Observation[]> {
  for (let start = from; start < from + count; start += size) {
    const end = Math.min(from + count, start + size);
    yield Array.from({ length: end - start }, (_, i) => observation(start + i));
  }
}
