export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  TRAIT_NOT_FOUND = 'TRAIT_NOT_FOUND',
  PROFILE_NOT_FOUND = 'PROFILE_NOT_FOUND',
  INVALID_INPUT = 'INVALID_INPUT',
  INVALID_DEFINITION = 'INVALID_DEFINITION',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNAVAILABLE = 'UNAVAILABLE',
  RATE_LIMITED = 'RATE_LIMITED',
}

// Field-level details: { "rows.3.value": "must be a number" }.
export type ErrorDetails = Record<string, string>;

// The one error type domain code throws; mapped once to HTTP and GraphQL in error-mapping.ts.
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

// The key is over its rate limit; it may try again after `retryAfterSeconds` (Retry-After).
export class RateLimitedError extends DomainError {
  // graphql-js copies an original error's extensions: a refused subscription start, whose error
  // does not go through the formatter, still carries the code.
  readonly extensions: { code: string; retryAfter: number };

  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(ErrorCode.RATE_LIMITED, message);
    this.extensions = { code: ErrorCode.RATE_LIMITED, retryAfter: retryAfterSeconds };
  }
}
