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
