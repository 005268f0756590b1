import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// The request a log line is written for, read by the JSON logger. Code that knows its request
// names it around the lines it writes (`during`: the access line, an unhandled error's line).
// With `follow()` (LOG_REQUEST_CONTEXT=true, or tracing on) every line logged while a request is
// served carries it, through an AsyncLocalStorage set per request (bootstrap.ts): on Node 20 that
// hooks every promise of the process, ~15–20% of the CPU time of a cached profile read
// (docs/operations.md#logs), so it is not on by default.
const store = new AsyncLocalStorage<{ reqId: string }>();
let following = false;
let naming: string | undefined;

export const requestContext = {
  follow: (): void => {
    following = true;
  },
  run: (reqId: string, next: () => void): void => {
    if (following) store.run({ reqId }, next);
    else next();
  },
  // Runs `write` (synchronous) with its log lines naming the request (when there is one).
  during<T>(reqId: string | undefined, write: () => T): T {
    const outer = naming;
    naming = reqId;
    try {
      return write();
    } finally {
      naming = outer;
    }
  },
  reqId: (): string | undefined => naming ?? (following ? store.getStore()?.reqId : undefined),
};

// A caller's X-Request-Id is kept when it is a plain token (so it cannot forge log lines);
// otherwise the request gets a new uuid.
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
}
