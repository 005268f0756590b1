// The audience rule language (SPEC §3.5b, docs/audiences.md): groups all / any / not over trait,
// identity, audience, event and funnel conditions. The JSON Schema of this shape is
// rule.schema.ts; the SQL compiler and the in-memory evaluator give it the same meaning.

// Ops that compare a value with an operand: event properties take these.
export const PROPERTY_OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'in',
  'contains',
  'starts_with',
  'exists',
  'missing',
] as const;
export type PropertyOp = (typeof PROPERTY_OPS)[number];

// Traits take those and the timestamp ops.
export const TRAIT_OPS = [
  ...PROPERTY_OPS,
  'before',
  'after',
  'within_last',
  'more_than_ago',
] as const;
export type TraitOp = (typeof TRAIT_OPS)[number];

export const PRESENCE_OPS = ['exists', 'missing'] as const;
export type PresenceOp = (typeof PRESENCE_OPS)[number];

export const RECENCY_OPS = ['within_last', 'more_than_ago'] as const;
export type RecencyOp = (typeof RECENCY_OPS)[number];

export interface AllGroup {
  all: Rule[];
}
export interface AnyGroup {
  any: Rule[];
}
export interface NotGroup {
  not: Rule;
}

export interface TraitCondition {
  trait: string;
  op: TraitOp;
  value?: unknown;
}

export interface IdentityCondition {
  identity: string;
  op?: PresenceOp;
}

export interface AudienceCondition {
  audience: string;
}

export interface PropertyFilter {
  // A key of the event's properties; dots reach into nested objects (`product.sku`).
  property: string;
  op: PropertyOp;
  value?: unknown;
}

export interface EventCount {
  gte?: number;
  lte?: number;
  eq?: number;
}

export interface EventCondition {
  event: string;
  where?: PropertyFilter[];
  // How many matching events, in the window (default: at least 1).
  count?: EventCount;
  // The window, back from the evaluation time (`7d`); absent: ever.
  within?: string;
  // When the latest matching event happened, instead of a count.
  last?: { op: RecencyOp; value: string };
}

export interface FunnelStep {
  event: string;
  where?: PropertyFilter[];
}

export interface FunnelCondition {
  // The steps, in order; each after the previous one, the last within `within` of the first.
  funnel: FunnelStep[];
  within: string;
  // "…but not this within `within` after the last step" (the window must have passed).
  then_not?: FunnelStep;
  // Only events back this far from the evaluation time count; absent: all.
  lookback?: string;
}

export type Condition =
  TraitCondition | IdentityCondition | AudienceCondition | EventCondition | FunnelCondition;
export type Rule = AllGroup | AnyGroup | NotGroup | Condition;

export type RuleKind =
  'all' | 'any' | 'not' | 'trait' | 'identity' | 'audience' | 'event' | 'funnel';
export const RULE_KINDS: readonly RuleKind[] = [
  'all',
  'any',
  'not',
  'trait',
  'identity',
  'audience',
  'event',
  'funnel',
];

// Which kind a (valid) rule node is: the one kind key it has.
export function kindOf(rule: Rule): RuleKind {
  const kind = RULE_KINDS.find((k) => k in rule);
  if (!kind) throw new Error('rule node of no known kind');
  return kind;
}
