import type autocannon from 'autocannon';

// What a load run reports, read off autocannon's result: only 2xx answers count as served.
export interface LoadFigures {
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export function loadFigures(r: autocannon.Result): LoadFigures {
  return {
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    seconds: r.duration,
    reqPerSec: r['2xx'] / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    p999Ms: r.latency.p99_9,
  };
}
