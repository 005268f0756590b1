import type { TraitType } from '../../../trait-definitions/trait-spec';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', 'True', 'TRUE', '1']);
const FALSE = new Set(['false', 'False', 'FALSE', '0']);

export type Parsed = { ok: true; value: unknown } | { ok: false; rule: string };

// A CSV cell as the trait's type. Empty cells are how pandas writes NaN/None, so they are
// rejected rather than read as "clear the value".
export function parseCell(text: string, type: TraitType): Parsed {
  if (text === '') return { ok: false, rule: 'must not be empty (NaN or None in the notebook?)' };
  switch (type) {
    case 'number':
      return NUMBER.test(text.trim())
        ? { ok: true, value: Number(text) }
        : { ok: false, rule: 'must be a finite number' };
    case 'boolean':
      if (TRUE.has(text)) return { ok: true, value: true };
      return FALSE.has(text)
        ? { ok: true, value: false }
        : { ok: false, rule: 'must be true or false' };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false, rule: 'must be JSON' };
      }
    default:
      return { ok: true, value: text };
  }
}
