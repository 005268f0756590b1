// The identity rules every resolution applies: which identity types exist, which wins (priority),
// how many of a type one profile may hold (limit), how values are normalised and which are blocked.
// Read from trait-definitions/identity.yaml (identity-config.parser.ts); these are the defaults.

export const NORMALIZE_STEPS = ['trim', 'lowercase'] as const;
export type NormalizeStep = (typeof NORMALIZE_STEPS)[number];

export interface BlockList {
  // Compared case-insensitively with the normalised value.
  values: ReadonlySet<string>;
  // Tested (case-insensitively) against the normalised value.
  patterns: readonly RegExp[];
}

export interface IdentityTypeRule {
  type: string;
  priority: number;
  limit: number;
  normalize: readonly NormalizeStep[];
  blocked: BlockList;
  // Values of a PII type are shown only to keys with profile:read:pii (src/profiles/masking).
  pii: boolean;
  // Places in an event (dotted, under traits, context or properties) whose string value is observed
  // as an identity of this type, as Segment Unify does: `traits.email`, `context.device.id`.
  paths: readonly string[];
}

export interface UnknownTypesRule {
  accept: boolean;
  priority: number;
  limit: number;
}

export interface IdentityRules {
  types: ReadonlyMap<string, IdentityTypeRule>;
  // Applies to every type, on top of each type's own list.
  blocked: BlockList;
  unknownTypes: UnknownTypesRule;
}

export const DEFAULT_BLOCKED_VALUES = [
  '',
  'undefined',
  'null',
  '0',
  'none',
  'nil',
  '[object Object]',
];

const EMPTY_BLOCKS: BlockList = { values: new Set(), patterns: [] };

// Kept in sync with the reserved trait names (trait-definitions/rules/reserved-names.ts).
export const DEFAULT_TYPE_RULES: readonly IdentityTypeRule[] = [
  {
    type: 'user_id',
    priority: 100,
    limit: 1,
    normalize: ['trim'],
    blocked: EMPTY_BLOCKS,
    pii: false,
    paths: [],
  },
  {
    type: 'email',
    priority: 80,
    limit: 5,
    normalize: ['trim', 'lowercase'],
    blocked: EMPTY_BLOCKS,
    pii: true,
    paths: ['traits.email', 'context.traits.email'],
  },
  {
    type: 'device_id',
    priority: 50,
    limit: 20,
    normalize: ['trim'],
    blocked: EMPTY_BLOCKS,
    pii: false,
    paths: ['context.device.id'],
  },
  {
    type: 'network_userid',
    priority: 40,
    limit: 20,
    normalize: ['trim'],
    blocked: EMPTY_BLOCKS,
    pii: false,
    paths: [],
  },
  {
    type: 'anonymous_id',
    priority: 30,
    limit: 100,
    normalize: ['trim'],
    blocked: EMPTY_BLOCKS,
    pii: false,
    paths: [],
  },
];

// Where an event may carry identities besides userId and anonymousId: one entry per (path, type),
// in the order of the types, then of their paths.
export interface IdentityPath {
  path: string;
  type: string;
}

export function identityPaths(rules: IdentityRules): IdentityPath[] {
  return [...rules.types.values()].flatMap((r) => r.paths.map((path) => ({ path, type: r.type })));
}

export const DEFAULT_UNKNOWN_TYPES: UnknownTypesRule = { accept: true, priority: 0, limit: 100 };

export function blockList(values: readonly string[], patterns: readonly string[]): BlockList {
  return {
    values: new Set(values.map((v) => v.toLowerCase())),
    patterns: patterns.map((p) => new RegExp(p, 'i')),
  };
}

export const DEFAULT_IDENTITY_RULES: IdentityRules = {
  types: new Map(DEFAULT_TYPE_RULES.map((r) => [r.type, r])),
  blocked: blockList(DEFAULT_BLOCKED_VALUES, []),
  unknownTypes: DEFAULT_UNKNOWN_TYPES,
};

// The rule of a type; unknown types get the unknown_types priority and limit (undefined when
// identity.yaml says unknown types are rejected).
export function ruleOf(rules: IdentityRules, type: string): IdentityTypeRule | undefined {
  const known = rules.types.get(type);
  if (known) return known;
  if (!rules.unknownTypes.accept) return undefined;
  const { priority, limit } = rules.unknownTypes;
  return {
    type,
    priority,
    limit,
    normalize: ['trim'],
    blocked: EMPTY_BLOCKS,
    pii: false,
    paths: [],
  };
}

export function limitOf(rules: IdentityRules, type: string): number {
  return ruleOf(rules, type)?.limit ?? rules.unknownTypes.limit;
}

export function isBlocked(rules: IdentityRules, rule: IdentityTypeRule, value: string): boolean {
  const lower = value.toLowerCase();
  for (const list of [rules.blocked, rule.blocked]) {
    if (list.values.has(lower) || list.patterns.some((p) => p.test(value))) return true;
  }
  return false;
}

// Rules are process configuration, read once at start (IdentityRulesService): every module that
// normalises identities (the write path, sources, lookups) sees the same ones.
let active: IdentityRules = DEFAULT_IDENTITY_RULES;

export function activeIdentityRules(): IdentityRules {
  return active;
}

export function installIdentityRules(rules: IdentityRules): void {
  active = rules;
}
