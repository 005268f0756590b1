import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { handleFastifyError, isFastifyError } from '../common/errors/fastify-error-handler';
import { BodyError } from '../common/http/json-body';
import { AddressLimiter } from './address-limiter.service';
import type { Principal } from './scopes';

// The API's own paths; health, metrics and the UI's assets are never refused by address.
const API_PATH = /^\/(graphql|v1)(\/|\?|$)/;

// A body Fastify could not read: not JSON, an unsupported media type, over the size limit.
function unreadableBody(err: unknown): boolean {
  if (err instanceof BodyError) return true;
  if (isFastifyError(err)) return err.code.startsWith('FST_ERR_CTP_');
  return (err as { statusCode?: unknown } | null)?.statusCode === 413;
}

// Wires AddressLimiter into Fastify: an address over its limit is refused before its body is read,
// and a body that cannot be read (before any key could be checked) counts against the address on
// its way to the error handler (which answers in the API's error shape).
export function limitAddresses(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const addresses = app.get(AddressLimiter);
  fastify.addHook('onRequest', (req, _reply, done) => {
    if (!API_PATH.test(req.url)) return done();
    try {
      addresses.check(req.ip);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
  fastify.setErrorHandler((err, req, reply) => {
    if (!(req as { principal?: Principal }).principal && unreadableBody(err))
      addresses.failed(req.ip).catch(() => undefined);
    handleFastifyError(err, req, reply);
  });
}
