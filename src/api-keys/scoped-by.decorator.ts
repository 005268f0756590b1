import { applyDecorators, CanActivate, SetMetadata, Type, UseGuards } from '@nestjs/common';
import type { Scope } from './scopes';

export const SCOPED_BY = 'traitbase:scoped-by';

// The handler's key and scope are checked by a guard of its own (the write key of ingestion may
// come in the body, Segment style). The global ScopesGuard lets it through only with this mark.
export const ScopedBy = (guard: Type<CanActivate>, scope: Scope) =>
  applyDecorators(SetMetadata(SCOPED_BY, scope), UseGuards(guard));
