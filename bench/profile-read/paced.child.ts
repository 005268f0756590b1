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
  // Answers of the requests due in the lead-in (sent and answered, not timed).
  leadInOk: number;
  ok: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

// `leadIn` seconds of the stream come first and are not timed; `seconds` after them are.
function paced(args: LoadArgs, rate: number, leadIn: number, seconds: number): Promise<Window> {
  const agent = new Agent({ keepAlive: true, maxSockets: args.connections });
  const base = new URL(args.target.url);
  const headers = { 'content-type': 'application/json', authorization: args.target.authorization };
  const untimed = Math.round(rate * leadIn);
  const total = untimed + Math.max(1, Math.round(rate * seconds));
  const intervalNs = 1e9 / rate;
  const latenciesMs: number[] = [];
  let leadInOk = 0;
  let errors = 0;
  let sent = 0;
  let finished = 0;
  const t0 = process.hrtime.bigint();
  const sinceStart = () => Number(process.hrtime.bigint() - t0);
  return new Promise<Window>((resolve) => {
    const settle = () => {
      if (++finished < total) return;
      agent.destroy();
      const timed = sinceStart() / 1e9 - untimed / rate;
      resolve({ leadInOk, ok: latenciesMs.length, errors, seconds: timed, latenciesMs });
    };
    const tick = () => {
      const now = sinceStart();
      const due = Math.min(total, Math.floor(now / intervalNs) + 1);
      while (sent < due) {
        const dueAt = sent * intervalNs;
        const isTimed = sent >= untimed;
        const r = readRequest(args.target, sent++);
        httpCall(agent, base, r.method, r.path, headers, r.body).then(
          () => {
            if (isTimed) latenciesMs.push((sinceStart() - dueAt) / 1e6);
            else leadInOk++;
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

// One process on the load CPU: the heap collected, then one stream at the rate whose first
// `warmupSeconds` are a lead-in (sent, answered, not timed) and whose rest is the measured window.
// Not a warm-up stream, a collection, then a new stream: every window then started with ~0.1–0.5 s
// of late sends and answers, the bare server's as much as ours (the generator's code cold again
// after the full collections, and a pause in the load between the two).
runAsChild<LoadReport>(async () => {
  const args = childArgs<LoadArgs>();
  if (!args.rate) throw new Error('paced.child: needs a rate');
  settleHeap();
  const w = await paced(args, args.rate, args.warmupSeconds, args.seconds);
  return {
    warmupOk: w.leadInOk,
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
