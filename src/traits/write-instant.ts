import { randomInt } from 'node:crypto';

// The observedAt a write gives the rows that name none ("the time of the write"), to the
// microsecond: the write's millisecond plus a sub-millisecond part, 1 µs after the previous
// write's instant when that is not earlier (writes of this process in one millisecond; more than
// a few hundred of them run a little ahead of the clock). Postgres keeps
// microseconds, and two writes of different values at one instant are refused as a contradiction
// ("a different value was already observed at this instant"); with millisecond instants, concurrent
// one-row writes of one trait (a game saving a setting twice) were refused that way. The random
// sub-millisecond part does the same for writes of two processes in one millisecond (a tie is then
// 1 in 1,000 and refused as before).
let last = 0;

export function writeInstant(now: Date): string {
  const ms = now.getTime();
  let us = ms * 1000 + randomInt(1000);
  // An instant more than a second behind the last one (a caller's own `now`, a clock set back) is
  // kept as it is.
  if (us <= last && last - us < 1_000_000) us = last + 1;
  last = Math.max(last, us);
  return isoMicros(us);
}

// ISO-8601 UTC with six fractional digits (Date keeps milliseconds only).
function isoMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}${String(us - ms * 1000).padStart(3, '0')}Z`;
}
