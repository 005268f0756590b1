import { SetMetadata } from '@nestjs/common';
import type { Scope } from './scopes';

export const REQUIRED_SCOPES = 'traitbase:required-scopes';

// The key must hold at least one of the listed scopes (after implication: admin ⊇ all).
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);
