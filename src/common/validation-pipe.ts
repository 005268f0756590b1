import { ValidationPipe } from '@nestjs/common';
import { validationErrorFactory } from './errors/validation-errors';

// The one way inputs are validated (applied globally in bootstrap.ts): unknown fields refused,
// values transformed to their declared types, errors in the API's shape.
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: validationErrorFactory,
  });
}
