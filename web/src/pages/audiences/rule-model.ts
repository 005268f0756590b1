// The builder's tree and the rule JSON (docs/audiences.md) in both directions. The tree carries ids
// for React and a "not" flag per node; toRule() gives exactly the JSON that is previewed and saved.
// A node the builder has no form for (identity and audience conditions, `last`, `where`, …) is kept
// as it is ("raw") and shown read-only, so editing an audience never loses part of its rule.

export type Combinator = 'all' | 'any';
export type CountOp = 'gte' | 'lte' | 'eq';

interface Base {
  id: string;
  not: boolean;
}
export interface GroupNode extends Base {
  kind: 'group';
  combinator: Combinator;
  children: EditorNode[];
}
export interface TraitNode extends Base {
  kind: 'trait';
  trait: string;
  op: string;
  value: unknown;
}
export interface EventNode extends Base {
  kind: 'event';
  event: string;
  countOp: CountOp;
  count: number;
  within: string;
}
export interface FunnelNode extends Base {
  kind: 'funnel';
  steps: string[];
  within: string;
  thenNot: string;
}
export interface RawNode extends Base {
  kind: 'raw';
  rule: unknown;
}
export type EditorNode = GroupNode | TraitNode | EventNode | FunnelNode | RawNode;

let next = 0;
export const newId = () => `n${++next}`;

// Operators per trait type, with the words the builder shows.
export const OPS: Record<string, [string, string][]> = {
  number: [
    ['eq', 'equals'],
    ['ne', 'does not equal'],
    ['gt', 'greater than'],
    ['gte', 'at least'],
    ['lt', 'less than'],
    ['lte', 'at most'],
    ['between', 'between'],
    ['in', 'is one of'],
    ['exists', 'has a value'],
    ['missing', 'has no value'],
  ],
  string: [
    ['eq', 'equals'],
    ['ne', 'does not equal'],
    ['in', 'is one of'],
    ['contains', 'contains'],
    ['starts_with', 'starts with'],
    ['exists', 'has a value'],
    ['missing', 'has no value'],
  ],
  boolean: [
    ['eq', 'is'],
    ['ne', 'is not'],
    ['exists', 'has a value'],
    ['missing', 'has no value'],
  ],
  timestamp: [
    ['before', 'before'],
    ['after', 'after'],
    ['between', 'between'],
    ['within_last', 'within the last'],
    ['more_than_ago', 'more than … ago'],
    ['exists', 'has a value'],
    ['missing', 'has no value'],
  ],
  json: [
    ['exists', 'has a value'],
    ['missing', 'has no value'],
  ],
};
OPS.category = OPS.string;

export const opsFor = (type: string | undefined) => OPS[type ?? 'json'] ?? OPS.json;

// The value an operator starts with, fitting the trait's type.
export function defaultValue(
  op: string,
  type: string | undefined,
  values?: string[] | null,
): unknown {
  if (op === 'exists' || op === 'missing') return undefined;
  if (op === 'in') return [];
  if (op === 'within_last' || op === 'more_than_ago') return '7d';
  if (type === 'number') return op === 'between' ? [0, 100] : 0;
  if (type === 'boolean') return true;
  if (type === 'timestamp') {
    const day = new Date().toISOString().slice(0, 10);
    return op === 'between' ? [`${day}T00:00:00Z`, `${day}T23:59:59Z`] : `${day}T00:00:00Z`;
  }
  if (type === 'category' && (op === 'eq' || op === 'ne')) return values?.[0] ?? '';
  return '';
}

export const newGroup = (
  combinator: Combinator = 'all',
  children: EditorNode[] = [],
): GroupNode => ({
  id: newId(),
  kind: 'group',
  not: false,
  combinator,
  children,
});
export const newTrait = (trait = '', type?: string, values?: string[] | null): TraitNode => {
  const op = opsFor(type)[0][0];
  return {
    id: newId(),
    kind: 'trait',
    not: false,
    trait,
    op,
    value: defaultValue(op, type, values),
  };
};
export const newEvent = (): EventNode => ({
  id: newId(),
  kind: 'event',
  not: false,
  event: '',
  countOp: 'gte',
  count: 1,
  within: '30d',
});
export const newFunnel = (): FunnelNode => ({
  id: newId(),
  kind: 'funnel',
  not: false,
  steps: ['', ''],
  within: '1d',
  thenNot: '',
});

function conditionRule(n: Exclude<EditorNode, GroupNode>): unknown {
  switch (n.kind) {
    case 'trait':
      return n.value === undefined
        ? { trait: n.trait, op: n.op }
        : { trait: n.trait, op: n.op, value: n.value };
    case 'event': {
      const rule: Record<string, unknown> = { event: n.event };
      if (!(n.countOp === 'gte' && n.count === 1)) rule.count = { [n.countOp]: n.count };
      if (n.within) rule.within = n.within;
      return rule;
    }
    case 'funnel': {
      const rule: Record<string, unknown> = { funnel: n.steps.map((event) => ({ event })) };
      if (n.thenNot) rule.then_not = { event: n.thenNot };
      rule.within = n.within;
      return rule;
    }
    case 'raw':
      return n.rule;
  }
}

export function toRule(n: EditorNode): unknown {
  const inner = n.kind === 'group' ? { [n.combinator]: n.children.map(toRule) } : conditionRule(n);
  return n.not ? { not: inner } : inner;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const keys = (o: Record<string, unknown>) => Object.keys(o).sort().join(',');

function fromCondition(r: Record<string, unknown>): EditorNode {
  const base = { id: newId(), not: false };
  if (typeof r.trait === 'string' && ['op,trait', 'op,trait,value'].includes(keys(r)))
    return { ...base, kind: 'trait', trait: r.trait, op: String(r.op), value: r.value };
  if (typeof r.event === 'string' && !('last' in r) && !('where' in r)) {
    const count = isObject(r.count) ? Object.entries(r.count) : [];
    if (count.length <= 1) {
      const [countOp, n] = count[0] ?? ['gte', 1];
      return {
        ...base,
        kind: 'event',
        event: r.event,
        countOp: countOp as CountOp,
        count: Number(n),
        within: typeof r.within === 'string' ? r.within : '',
      };
    }
  }
  if (Array.isArray(r.funnel) && !('lookback' in r)) {
    const steps = r.funnel as unknown[];
    const simple = (s: unknown) => isObject(s) && keys(s) === 'event';
    const thenNot = r.then_not;
    if (steps.every(simple) && (thenNot === undefined || simple(thenNot)))
      return {
        ...base,
        kind: 'funnel',
        steps: steps.map((s) => String((s as { event: string }).event)),
        within: typeof r.within === 'string' ? r.within : '',
        thenNot: thenNot ? String((thenNot as { event: string }).event) : '',
      };
  }
  return { ...base, kind: 'raw', rule: r };
}

export function fromRule(rule: unknown): EditorNode {
  if (!isObject(rule)) return { id: newId(), not: false, kind: 'raw', rule };
  if ('not' in rule && Object.keys(rule).length === 1) {
    const inner = fromRule(rule.not);
    return inner.not ? { id: newId(), kind: 'raw', not: false, rule } : { ...inner, not: true };
  }
  for (const combinator of ['all', 'any'] as const) {
    if (Array.isArray(rule[combinator]) && Object.keys(rule).length === 1)
      return newGroup(combinator, (rule[combinator] as unknown[]).map(fromRule));
  }
  return fromCondition(rule);
}

// The root is always a group, so conditions can be added beside the first one.
export function rootFromRule(rule: unknown): GroupNode {
  const node = fromRule(rule);
  return node.kind === 'group' && !node.not ? node : newGroup('all', [node]);
}

// What keeps a rule from being previewed, said before asking the API (which checks everything else).
export function incomplete(n: EditorNode): string | null {
  switch (n.kind) {
    case 'group':
      if (n.children.length === 0) return 'a group has no condition';
      for (const c of n.children) {
        const why = incomplete(c);
        if (why) return why;
      }
      return null;
    case 'trait':
      return n.trait ? null : 'pick a trait';
    case 'event':
      return n.event ? null : 'name the event';
    case 'funnel':
      return n.steps.every(Boolean) ? null : 'name every funnel step';
    case 'raw':
      return null;
  }
}

// Replace the node with this id anywhere in the tree (null removes it).
export function replaceNode(root: GroupNode, id: string, next: EditorNode | null): GroupNode {
  const walk = (n: EditorNode): EditorNode | null => {
    if (n.id === id) return next;
    if (n.kind !== 'group') return n;
    return { ...n, children: n.children.map(walk).filter((c): c is EditorNode => c !== null) };
  };
  return walk(root) as GroupNode;
}
