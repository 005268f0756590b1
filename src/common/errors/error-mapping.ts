import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, ErrorDetails, RateLimitedError } from './domain-error';

interface Mapping {
  status: number;
  graphql: string;
}

export const ERROR_MAPPING = {
  [ErrorCode.UNAUTHENTICATED]: { status: 401, graphql: 'UNAUTHENTICATED' },
  [ErrorCode.FORBIDDEN]: { status: 403, graphql: 'FORBIDDEN' },
  [ErrorCode.NOT_FOUND]: { status: 404, graphql: 'NOT_FOUND' },
  [ErrorCode.TRAIT_NOT_FOUND]: { status: 404, graphql: 'NOT_FOUND' },
  [ErrorCode.PROFILE_NOT_FOUND]: { status: 404, graphql: 'NOT_FOUND' },
  [ErrorCode.INVALID_INPUT]: { status: 400, graphql: 'BAD_USER_INPUT' },
  [ErrorCode.INVALID_DEFINITION]: { status: 422, graphql: 'BAD_USER_INPUT' },
  [ErrorCode.CONFLICT]: { status: 409, graphql: 'CONFLICT' },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { status: 413, graphql: 'BAD_USER_INPUT' },
  [ErrorCode.UNAVAILABLE]: { status: 503, graphql: 'UNAVAILABLE' },
  // GraphQL answers 429 too, with extensions.code RATE_LIMITED (docs/api.md#errors).
  [ErrorCode.RATE_LIMITED]: { status: 429, graphql: 'RATE_LIMITED' },
} satisfies Record<ErrorCode, Mapping>;

export interface PublicError {
  status: number;
  code: string;
  graphqlCode: string;
  message: string;
  details?: ErrorDetails;
  errorId?: string;
  // Seconds, sent as Retry-After.
  retryAfter?: number;
}

const logger = new Logger('Errors');

// Turns anything thrown into what a client may see. Unknown errors are logged in full under an
// errorId and surface only as "Internal server error" with that id: no stack, no SQL.
export function toPublicError(err: unknown): PublicError {
  if (err instanceof DomainError) {
    const m = ERROR_MAPPING[err.code];
    const retryAfter = err instanceof RateLimitedError ? err.retryAfterSeconds : undefined;
    return {
      status: m.status,
      code: err.code,
      graphqlCode: m.graphql,
      message: err.message,
      details: err.details,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    };
  }
  const errorId = randomUUID();
  logger.error(`unhandled error ${errorId}`, err instanceof Error ? err.stack : String(err));
  return {
    status: 500,
    code: 'INTERNAL',
    graphqlCode: 'INTERNAL_SERVER_ERROR',
    message: 'Internal server error',
    errorId,
  };
}

interface ErrorReply {
  header(name: string, value: string): unknown;
  status(code: number): { send(body: unknown): unknown };
}

// The REST error shape: { error: { code, message, details?, errorId? } }, plus Retry-After.
export function replyWithError(reply: ErrorReply, e: PublicError): void {
  if (e.retryAfter !== undefined) reply.header('retry-after', String(e.retryAfter));
  void reply
    .status(e.status)
    .send({ error: { code: e.code, message: e.message, details: e.details, errorId: e.errorId } });
}
