// Bounds on the shape of one message, checked without recursion before anything else walks it:
// a message nested thousands of levels deep, or with a huge array or thousands of keys, is refused
// with a reason instead of exhausting the stack of a later check (docs/security.md).
export const MAX_JSON_DEPTH = 32;
export const MAX_JSON_KEYS = 1_000;
export const MAX_JSON_ARRAY = 10_000;
export const MAX_JSON_NODES = 20_000;

export interface ShapeProblem {
  pointer: string;
  keyword: string;
  rule: string;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function jsonShapeProblem(value: unknown, field = 'message'): ShapeProblem | null {
  const stack: { v: unknown; depth: number; pointer: string }[] = [
    { v: value, depth: 0, pointer: '' },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { v, depth, pointer } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const at = pointer || '/';
    if (depth >= MAX_JSON_DEPTH) {
      return {
        pointer,
        keyword: 'maxDepth',
        rule: `${field}: nested deeper than ${MAX_JSON_DEPTH} levels at ${at}`,
      };
    }
    if (++nodes > MAX_JSON_NODES) {
      return {
        pointer: '',
        keyword: 'maxNodes',
        rule: `${field}: more than ${MAX_JSON_NODES} objects and arrays`,
      };
    }
    if (Array.isArray(v)) {
      if (v.length > MAX_JSON_ARRAY) {
        return {
          pointer,
          keyword: 'maxItems',
          rule: `${field}: an array of more than ${MAX_JSON_ARRAY} items at ${at}`,
        };
      }
      v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, pointer: `${pointer}/${i}` }));
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > MAX_JSON_KEYS) {
      return {
        pointer,
        keyword: 'maxProperties',
        rule: `${field}: more than ${MAX_JSON_KEYS} keys in one object at ${at}`,
      };
    }
    for (const k of keys) {
      stack.push({
        v: (v as Record<string, unknown>)[k],
        depth: depth + 1,
        pointer: `${pointer}/${escapePointer(k)}`,
      });
    }
  }
  return null;
}
