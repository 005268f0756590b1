import autocannon from 'autocannon';
import { childArgs, runAsChild } from '../lib/child';
import { LoadFigures, loadFigures } from '../lib/load-figures';
import { batchBody, eventJson } from './dataset';

export interface LoadArgs {
  url: string;
  authorization: string;
  // Messages per request: 1 → a single-event route body, otherwise a batch.
  perRequest: number;
  connections: number;
  seconds: number;
  run: string;
}

export interface LoadReport extends LoadFigures {
  requests: number;
}

// autocannon in its own process (pinned to the other CPU by the parent); every request carries
// new messageIds so nothing is deduplicated away.
runAsChild<LoadReport>(async () => {
  const args = childArgs<LoadArgs>();
  let next = 0;
  // Single events go to the route of their type (/v1/track, /v1/identify), batches to /v1/batch.
  const request = (req: autocannon.Request): autocannon.Request => {
    const first = next;
    next += args.perRequest;
    if (args.perRequest > 1) return { ...req, body: batchBody(args.run, first, args.perRequest) };
    const body = eventJson(args.run, first);
    return {
      ...req,
      path: body.startsWith('{"type":"identify"') ? '/v1/identify' : '/v1/track',
      body,
    };
  };
  const result = await autocannon({
    url: args.url,
    connections: args.connections,
    duration: args.seconds,
    requests: [
      {
        method: 'POST',
        path: args.perRequest > 1 ? '/v1/batch' : '/v1/track',
        headers: { 'content-type': 'application/json', authorization: args.authorization },
        setupRequest: request,
      },
    ],
  });
  return { requests: result.requests.total, ...loadFigures(result) };
});
