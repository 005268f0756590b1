import Ajv, { ErrorObject } from 'ajv';
import { pointerOf, RuleFault } from './rule-fault';
import { AUDIENCE_RULE_SCHEMA } from './rule.schema';
import { RULE_KINDS } from './rule.types';

const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictRequired: false,
  verbose: true,
});
const validate = ajv.compile(AUDIENCE_RULE_SCHEMA);

const NODE_RULE =
  'must be a group (all, any, not) or a condition (trait, identity, audience, event, funnel)';

const KIND_KEYS = new Set<string>(RULE_KINDS);

function kindsIn(node: unknown): string {
  const keys = Object.keys(node as object).filter((k) => KIND_KEYS.has(k));
  return keys.join(' and ');
}

function allowed(error: ErrorObject): string {
  const props = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  return props ? ` (allowed: ${Object.keys(props).join(', ')})` : '';
}

function toFault(error: ErrorObject): RuleFault | null {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  switch (error.keyword) {
    // The branch errors of "which kind is this node": reported once, by the anyOf itself.
    case 'if':
      return null;
    case 'required':
      return error.schemaPath.includes('/anyOf/')
        ? null
        : { pointer: `${at}/${String(params.missingProperty)}`, rule: 'is required' };
    case 'anyOf':
      return { pointer: at, rule: NODE_RULE };
    case 'additionalProperties':
      if (KIND_KEYS.has(String(params.additionalProperty)))
        return { pointer: at, rule: `${NODE_RULE}: one kind per node, not ${kindsIn(error.data)}` };
      return {
        pointer: `${at}${pointerOf([String(params.additionalProperty)])}`,
        rule: `unknown key${allowed(error)}`,
      };
    case 'enum':
      return {
        pointer: at,
        rule: `must be one of ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'pattern':
      return { pointer: at, rule: patternRule(at, error) };
    case 'minItems':
      return { pointer: at, rule: `must list at least ${String(params.limit)} item(s)` };
    case 'maxItems':
      return { pointer: at, rule: `must list at most ${String(params.limit)} item(s)` };
    case 'minLength':
      return { pointer: at, rule: 'must not be empty' };
    case 'maxLength':
      return { pointer: at, rule: `must be at most ${String(params.limit)} characters` };
    case 'minProperties':
      return { pointer: at, rule: 'must give gte, lte or eq' };
    case 'type':
      return { pointer: at, rule: `must be ${typeWord(String(params.type))}` };
    case 'minimum':
      return { pointer: at, rule: `must be at least ${String(params.limit)}` };
    default:
      return { pointer: at, rule: error.message ?? error.keyword };
  }
}

function patternRule(at: string, error: ErrorObject): string {
  const pattern = String((error.params as { pattern?: unknown }).pattern);
  if (pattern.includes('[smhdw]'))
    return 'must be a duration like 30m, 2h, 7d or 1w (units s, m, h, d, w)';
  if (at.endsWith('/identity')) return 'must be an identity type name in snake_case';
  if (at.endsWith('/audience'))
    return 'must be an audience slug (lower-case letters, digits, _ or -)';
  return `must match ${pattern}`;
}

function typeWord(type: string): string {
  const words: Record<string, string> = {
    object: 'an object',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
  };
  return words[type] ?? type;
}

// Checks a rule against the JSON Schema; one fault per pointer, in the validator's order.
export function shapeFaults(rule: unknown): RuleFault[] {
  if (validate(rule)) return [];
  const byPointer = new Map<string, RuleFault>();
  for (const error of validate.errors ?? []) {
    const fault = toFault(error);
    if (fault && !byPointer.has(fault.pointer)) byPointer.set(fault.pointer, fault);
  }
  return [...byPointer.values()];
}
