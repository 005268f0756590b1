import { requestContext } from '../../logging/request-context';
import { DomainError, ErrorCode } from './domain-error';
import { replyWithError, toPublicError } from './error-mapping';

interface FastifyErrorLike extends Error {
  code: string;
  statusCode?: number;
}

export function isFastifyError(e: unknown): e is FastifyErrorLike {
  return (
    e instanceof Error &&
    typeof (e as FastifyErrorLike).code === 'string' &&
    (e as FastifyErrorLike).code.startsWith('FST_')
  );
}

// Errors Fastify raises before a route runs (an unparsable or oversize body, an unsupported media
// type) answer in the API's error shape like every other error, never Fastify's default.
export function fastifyError(err: unknown): unknown {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (status === 413) {
    const own = !isFastifyError(err) && err instanceof Error && err.message.startsWith('body:');
    return new DomainError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      own ? err.message : 'body: larger than the request limit',
    );
  }
  if (!isFastifyError(err)) {
    return typeof status === 'number' && status >= 400 && status < 500 && err instanceof Error
      ? new DomainError(ErrorCode.INVALID_INPUT, err.message)
      : err;
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new DomainError(
      ErrorCode.INVALID_INPUT,
      'body: unsupported content-type (send application/json)',
    );
  }
  if (err.code.startsWith('FST_ERR_CTP_')) {
    return new DomainError(ErrorCode.INVALID_INPUT, 'body: is not valid JSON');
  }
  return err;
}

export function handleFastifyError(
  err: unknown,
  req: { id: string },
  reply: Parameters<typeof replyWithError>[0],
): void {
  replyWithError(
    reply,
    requestContext.during(req.id, () => toPublicError(fastifyError(err))),
  );
}
