import {
  activeIdentityRules,
  IdentityRules,
  IdentityTypeRule,
  isBlocked,
  ruleOf,
} from './config/identity-rules';

export type NormalizedIdentity =
  | { ok: true; type: string; value: string; rule: IdentityTypeRule }
  | { ok: false; reason: string; blocked?: true };

const TYPE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_VALUE = 1024;

// Exact-match normalisation under the identity rules (identity.yaml): the type must be known or
// accepted, the value is normalised per type (trim, lower-case) and refused when blocked.
// Messages never echo the value: it may be an email.
export function normalizeIdentity(
  type: unknown,
  value: unknown,
  rules: IdentityRules = activeIdentityRules(),
): NormalizedIdentity {
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
    return { ok: false, reason: 'identity.type: must be a snake_case identity type' };
  }
  const rule = ruleOf(rules, type);
  if (!rule) {
    return { ok: false, reason: `identity.type: ${type} is not an identity type of identity.yaml` };
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    return { ok: false, reason: 'identity.value: must be a string' };
  }
  let v = String(value);
  if (rule.normalize.includes('trim')) v = v.trim();
  if (rule.normalize.includes('lowercase')) v = v.toLowerCase();
  if (v.length > MAX_VALUE) {
    return { ok: false, reason: `identity.value: longer than ${MAX_VALUE} characters` };
  }
  if (v.includes('\u0000')) return { ok: false, reason: 'identity.value: must not contain NUL' };
  if (v.trim() === '') return { ok: false, reason: 'identity.value: must not be empty' };
  if (isBlocked(rules, rule, v)) {
    return { ok: false, blocked: true, reason: `identity.value: a blocked ${type} value` };
  }
  return { ok: true, type, value: v, rule };
}
