// Small guards for reading dbt artifacts defensively: nothing is assumed about a field's shape.

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function recordAt(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

export function stringAt(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function stringsAt(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

// Collects every problem of a document as { path: rule }, so one response lists them all.
export class Problems {
  readonly byPath: Record<string, string> = {};

  add(path: string, rule: string): void {
    this.byPath[path] ??= rule;
  }

  get empty(): boolean {
    return Object.keys(this.byPath).length === 0;
  }

  lines(): string[] {
    return Object.entries(this.byPath).map(([path, rule]) => `${path}: ${rule}`);
  }
}
