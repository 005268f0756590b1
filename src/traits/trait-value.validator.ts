import type { TraitDef } from '../trait-definitions/trait-def';

export type Checked = { ok: true; value: unknown } | { ok: false; reason: string };

const MAX_STRING = 65_536;

function fail(reason: string): Checked {
  return { ok: false, reason };
}

// Checks one value against its definition's type and returns the normalised form that is stored
// (timestamps as ISO-8601 UTC). null clears the trait.
export function checkTraitValue(def: TraitDef, value: unknown): Checked {
  if (value === null) return { ok: true, value: null };
  if (value === undefined) return fail('value: is required (use null to clear)');
  switch (def.type) {
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : fail(`value: must be a boolean for ${def.type} trait ${def.name}`);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? { ok: true, value }
        : fail(`value: must be a finite number for number trait ${def.name}`);
    case 'string':
      if (typeof value !== 'string') return fail(`value: must be a string for string trait ${def.name}`);
      return value.length > MAX_STRING ? fail(`value: longer than ${MAX_STRING} characters`) : { ok: true, value };
    case 'timestamp': {
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime())) return fail(`value: must be an ISO-8601 timestamp for timestamp trait ${def.name}`);
      return { ok: true, value: date.toISOString() };
    }
    case 'category':
      if (typeof value !== 'string') return fail(`value: must be a string for category trait ${def.name}`);
      if (def.values && !def.values.includes(value)) {
        return fail(`value: must be one of ${def.values.join(', ')} for category trait ${def.name}`);
      }
      return { ok: true, value };
    case 'json':
      return { ok: true, value };
  }
}
