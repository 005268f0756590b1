import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// The request a log line is written for: set for each HTTP request (bootstrap.ts) and read by the
// JSON logger, so every line of a request carries its id without passing it around.
const store = new AsyncLocalStorage<{ reqId: string }>();

export const requestContext = {
  run: (reqId: string, next: () => void) => store.run({ reqId }, next),
  reqId: (): string | undefined => store.getStore()?.reqId,
};

// A caller's X-Request-Id is kept when it is a plain token (so it cannot forge log lines);
// otherwise the request gets a new uuid.
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
}
