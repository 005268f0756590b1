import type { RateLimit } from './rate-limit';

export const SCOPES = [
  'ingest',
  'traits:write',
  'profile:read',
  'profile:read:pii',
  'audience:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  // The key's own rate limit; unset: RATE_LIMIT applies.
  rateLimit?: RateLimit;
}

// admin implies every scope; profile:read:pii implies profile:read.
const IMPLIED: Partial<Record<Scope, Scope[]>> = {
  admin: [...SCOPES],
  'profile:read:pii': ['profile:read'],
};

export function effectiveScopes(scopes: readonly Scope[]): Set<Scope> {
  const out = new Set<Scope>(scopes);
  for (const s of scopes) for (const implied of IMPLIED[s] ?? []) out.add(implied);
  return out;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return effectiveScopes(principal.scopes).has(scope);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

// A trait is readable when one of the key's own scopes is in its exposure list, and, for PII,
// only with profile:read:pii (or admin).
export function canReadTrait(
  principal: Principal,
  trait: { pii: boolean; exposure: readonly string[] },
): boolean {
  const scopes = effectiveScopes(principal.scopes);
  if (trait.pii && !scopes.has('profile:read:pii')) return false;
  return principal.scopes.some((s) => trait.exposure.includes(s)) || scopes.has('admin');
}
