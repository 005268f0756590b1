import type { ValidationError } from 'class-validator';
import { DomainError, ErrorCode, ErrorDetails } from './domain-error';

const MAX_DETAILS = 50;

function flatten(errors: ValidationError[], prefix: string, out: ErrorDetails): ErrorDetails {
  for (const e of errors) {
    if (Object.keys(out).length >= MAX_DETAILS) break;
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = Object.values(e.constraints).join('; ');
    if (e.children?.length) flatten(e.children, path, out);
  }
  return out;
}

// class-validator failures → one INVALID_INPUT error with a field path per message
// (HTTP 400 { error: { details: { "rows.3.trait": "…" } } }, GraphQL BAD_USER_INPUT).
export function validationErrorFactory(errors: ValidationError[]): DomainError {
  const details = flatten(errors, '', {});
  const first = Object.entries(details)[0];
  return new DomainError(
    ErrorCode.INVALID_INPUT,
    first ? `${first[0]}: ${first[1]}` : 'invalid input',
    details,
  );
}
