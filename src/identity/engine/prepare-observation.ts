import type { IdentityRules } from '../config/identity-rules';
import { isBlocked, ruleOf } from '../config/identity-rules';
import { normalizeIdentity } from '../identity-normalizer';
import { sortSmall } from './sort-small';

export interface IdentityInputRef {
  type: unknown;
  value: unknown;
}

export interface PreparedIdentity {
  type: string;
  value: string;
  // type NUL value: unique, and safe because Postgres text cannot hold NUL.
  key: string;
  priority: number;
}

export interface DroppedIdentity {
  index: number;
  reason: string;
  blocked: boolean;
}

export interface PreparedObservation {
  identities: PreparedIdentity[];
  dropped: DroppedIdentity[];
}

export function identityKey(type: string, value: string): string {
  return `${type}\u0000${value}`;
}

// Highest priority first, then type, then value (code-unit order: the same on every machine).
export function compareIdentities(a: PreparedIdentity, b: PreparedIdentity): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

// Rule step 1: normalise, drop blocked (and invalid) identities, dedupe, sort.
// `stored` identities were normalised when first seen: only the blocked lists are applied again.
export function prepareObservation(
  raw: readonly IdentityInputRef[],
  rules: IdentityRules,
  options: { stored?: boolean } = {},
): PreparedObservation {
  const identities: PreparedIdentity[] = [];
  const dropped: DroppedIdentity[] = [];
  // A handful per observation: a linear scan dedupes them for less than a Map costs.
  const seen = raw.length > 16 ? new Set<string>() : null;
  raw.forEach((ref, index) => {
    const prepared = options.stored ? storedIdentity(ref, rules) : normalizedIdentity(ref, rules);
    if ('reason' in prepared) return dropped.push({ index, ...prepared });
    if (seen ? seen.has(prepared.key) : identities.some((i) => i.key === prepared.key)) return;
    seen?.add(prepared.key);
    identities.push(prepared);
  });
  return { identities: sortSmall(identities, compareIdentities), dropped };
}

function normalizedIdentity(
  ref: IdentityInputRef,
  rules: IdentityRules,
): PreparedIdentity | { reason: string; blocked: boolean } {
  const n = normalizeIdentity(ref.type, ref.value, rules);
  if (!n.ok) return { reason: n.reason, blocked: n.blocked === true };
  return {
    type: n.type,
    value: n.value,
    key: identityKey(n.type, n.value),
    priority: n.rule.priority,
  };
}

function storedIdentity(
  ref: IdentityInputRef,
  rules: IdentityRules,
): PreparedIdentity | { reason: string; blocked: boolean } {
  const type = String(ref.type);
  const value = String(ref.value);
  const rule = ruleOf(rules, type);
  if (!rule) return { reason: `identity.type: ${type} is not an identity type`, blocked: true };
  if (isBlocked(rules, rule, value))
    return { reason: `identity.value: a blocked ${type} value`, blocked: true };
  return { type, value, key: identityKey(type, value), priority: rule.priority };
}
