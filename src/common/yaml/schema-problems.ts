import type { ErrorObject } from 'ajv';
import type { YamlPath } from './yaml-issue';

export interface SchemaProblem {
  path: YamlPath;
  // Point at the key (unknown keys) rather than the value.
  atKey: boolean;
  rule: string;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function pathOf(instancePath: string): YamlPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

function allowedKeys(error: ErrorObject): string {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  return properties ? ` (allowed: ${Object.keys(properties).join(', ')})` : '';
}

function toProblem(error: ErrorObject): SchemaProblem {
  const path = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        path: [...path, String(params.additionalProperty)],
        atKey: true,
        rule: `unknown key${allowedKeys(error)}`,
      };
    case 'required':
      return { path: [...path, String(params.missingProperty)], atKey: false, rule: 'is required' };
    case 'type':
      return {
        path,
        atKey: false,
        rule: `must be ${TYPE_WORDS[String(params.type)] ?? String(params.type)}`,
      };
    case 'enum':
      return {
        path,
        atKey: false,
        rule: `must be one of ${(params.allowedValues as unknown[]).join(', ')}`,
      };
    case 'const':
      return { path, atKey: false, rule: `must be ${String(params.allowedValue)}` };
    case 'minItems':
      return { path, atKey: false, rule: `must list at least ${String(params.limit)} item(s)` };
    case 'minLength':
      return { path, atKey: false, rule: 'must not be empty' };
    case 'uniqueItems':
      // Ajv scans from the end: j is the later copy, i the earlier one.
      return {
        path: [...path, Number(params.j)],
        atKey: false,
        rule: `repeats item ${String(params.i)}`,
      };
    default:
      return { path, atKey: false, rule: error.message ?? error.keyword };
  }
}

// Ajv errors → one problem per path (a wrong type also fails its enum: only the first is kept).
export function schemaProblems(
  errors: readonly ErrorObject[] | null | undefined,
  prefix: YamlPath = [],
): SchemaProblem[] {
  const byPath = new Map<string, SchemaProblem>();
  for (const error of errors ?? []) {
    const problem = toProblem(error);
    problem.path = [...prefix, ...problem.path];
    const key = JSON.stringify(problem.path);
    if (!byPath.has(key)) byPath.set(key, problem);
  }
  return [...byPath.values()];
}
