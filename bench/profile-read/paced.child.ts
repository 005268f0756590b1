import { Agent } from 'node:http';
import { childArgs, runAsChild, settleHeap } from '../lib/child';
import { percentile } from '../lib/stats';
import { httpCall } from './http-call';
import type { LoadArgs, LoadReport } from './load.child';
import { readRequest } from './requests';

// Open-loop load at a fixed rate: request i is due at i / rate seconds, sent then whatever the
// answers before it did, on up to `connections` keep-alive connections (a request due while all
// are busy waits for one, and that wait is counted). Latency runs from the moment a request was
// due, not from when it left, so a stall of the server is charged to every request it delayed.
// autocannon's overallRate is not this: each connection runs flat out until it has sent its share
// of the second, then idles until the next second starts (full-speed bursts half of every second),
// and it corrects for coordinated omission against a 1 ms interval, adding a sample per
// millisecond of every answer's latency.
interface Window {
  ok: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

function paced(args: LoadArgs, rate: number, seconds: number): Promise<Window> {
  const agent = new Agent({ keepAlive: true, maxSockets: args.connections });
  const base = new URL(args.target.url);
  const headers = { 'content-type': 'application/json', authorization: args.target.authorization };
  const total = Math.max(1, Math.round(rate * seconds));
  const intervalNs = 1e9 / rate;
  const latenciesMs: number[] = [];
  let errors = 0;
  let sent = 0;
  let finished = 0;
  const t0 = process.hrtime.bigint();
  const sinceStart = () => Number(process.hrtime.bigint() - t0);
  return new Promise<Window>((resolve) => {
    const settle = () => {
      if (++finished < total) return;
      agent.destroy();
      resolve({ ok: latenciesMs.length, errors, seconds: sinceStart() / 1e9, latenciesMs });
    };
    const tick = () => {
      const now = sinceStart();
      const due = Math.min(total, Math.floor(now / intervalNs) + 1);
      while (sent < due) {
        const dueAt = sent * intervalNs;
        const r = readRequest(args.target, sent++);
        httpCall(agent, base, r.method, r.path, headers, r.body).then(
          () => {
            latenciesMs.push((sinceStart() - dueAt) / 1e6);
            settle();
          },
          () => {
            errors++;
            settle();
          },
        );
      }
      if (sent < total) setTimeout(tick, Math.max(0, (sent * intervalNs - sinceStart()) / 1e6));
    };
    tick();
  });
}

// One process on the load CPU: a warm-up at the same rate, the heap collected, the measured window.
runAsChild<LoadReport>(async () => {
  const args = childArgs<LoadArgs>();
  if (!args.rate) throw new Error('paced.child: needs a rate');
  const warm =
    args.warmupSeconds > 0 ? await paced(args, args.rate, args.warmupSeconds) : undefined;
  settleHeap();
  const w = await paced(args, args.rate, args.seconds);
  return {
    warmupOk: warm?.ok ?? 0,
    ok: w.ok,
    non2xx: 0,
    errors: w.errors,
    seconds: w.seconds,
    reqPerSec: w.ok / w.seconds,
    p50Ms: percentile(w.latenciesMs, 0.5),
    p99Ms: percentile(w.latenciesMs, 0.99),
    p999Ms: percentile(w.latenciesMs, 0.999),
  };
});
