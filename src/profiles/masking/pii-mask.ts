import { effectiveScopes, Principal } from '../../api-keys/scopes';
import { activeIdentityRules, ruleOf } from '../../identity/config/identity-rules';

// THE place that decides what a key may see of identities. Every read path (GraphQL types
// Identity and IdentityRef, REST verbose provenance, errors) and every pushed value (subscriptions,
// destinations) goes through these functions. docs/security.md.

export const REDACTED = '[redacted]';

export interface IdentityLike {
  type: string;
  value: string;
}

export function canSeePii(principal: Principal | null | undefined): boolean {
  return !!principal && effectiveScopes(principal.scopes).has('profile:read:pii');
}

// A type is PII when identity.yaml says so (email by default); unknown types are not.
export function isPiiIdentityType(type: string): boolean {
  return ruleOf(activeIdentityRules(), type)?.pii ?? false;
}

// The value as the key may see it: the value itself, or REDACTED for a PII type without
// profile:read:pii.
export function maskIdentityValue(
  principal: Principal | null | undefined,
  type: string,
  value: string,
): string {
  return isPiiIdentityType(type) && !canSeePii(principal) ? REDACTED : value;
}

export function maskIdentity<T extends IdentityLike>(
  principal: Principal | null | undefined,
  identity: T,
): T {
  const value = maskIdentityValue(principal, identity.type, identity.value);
  return value === identity.value ? identity : { ...identity, value };
}

// For a message anyone may read (an error, a log line): PII values never appear, whoever asks.
export function identityForMessage(type: string, value: string): string {
  return `${type}:${isPiiIdentityType(type) ? REDACTED : value}`;
}

// Masks every {type, value} identity reference inside a pushed JSON value (a provenance, a feed
// change, a destination payload), leaving everything else as is.
export function maskIdentitiesDeep<T>(principal: Principal | null | undefined, value: T): T {
  if (canSeePii(principal)) return value;
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 64 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && typeof o.value === 'string' && isPiiIdentityType(o.type)) {
      return { ...o, value: REDACTED };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  return walk(value, 0) as T;
}
