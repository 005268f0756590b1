import autocannon from 'autocannon';
import { childArgs, runAsChild } from '../lib/child';
import { LoadFigures, loadFigures } from '../lib/load-figures';
import { ReadTarget, readRequest } from './requests';

export interface LoadArgs {
  target: ReadTarget;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  // Offered requests/s over all connections: paced.child.ts runs it; this file runs as fast as it
  // answers.
  rate?: number;
}

export interface LoadReport extends LoadFigures {
  // 2xx answers of the warm-up (for CPU per request, read around warm-up and window together).
  warmupOk: number;
}

function run(args: LoadArgs, seconds: number): Promise<autocannon.Result> {
  let next = 0;
  const first = readRequest(args.target, 0);
  return autocannon({
    url: args.target.url,
    connections: args.connections,
    duration: seconds,
    requests: [
      {
        method: first.method,
        path: first.path,
        headers: { 'content-type': 'application/json', authorization: args.target.authorization },
        setupRequest: (req) => ({ ...req, ...readRequest(args.target, next++) }),
      },
    ],
  });
}

// autocannon in its own process, pinned with its parent to the load CPU: a warm-up, then the
// measured window. Only 2xx answers count.
runAsChild<LoadReport>(async () => {
  const args = childArgs<LoadArgs>();
  const warmupOk = args.warmupSeconds > 0 ? (await run(args, args.warmupSeconds))['2xx'] : 0;
  const r = await run(args, args.seconds);
  return { warmupOk, ...loadFigures(r) };
});
