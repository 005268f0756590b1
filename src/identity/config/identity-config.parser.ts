import Ajv from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { schemaProblems } from '../../common/yaml/schema-problems';
import { toJSOrIssue } from '../../common/yaml/to-js';
import { compareIssues, DefinitionIssue, formatPath, YamlPath } from '../../common/yaml/yaml-issue';
import { YamlLocator } from '../../common/yaml/yaml-locator';
import { IDENTITY_FILE_SCHEMA, IDENTITY_PATH } from './identity-config.schema';
import {
  blockList,
  DEFAULT_BLOCKED_VALUES,
  DEFAULT_IDENTITY_RULES,
  DEFAULT_UNKNOWN_TYPES,
  IdentityRules,
  IdentityTypeRule,
  NormalizeStep,
} from './identity-rules';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validateFile = ajv.compile(IDENTITY_FILE_SCHEMA);
const TYPE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

interface BlockedItem {
  values?: string[];
  patterns?: string[];
}

interface TypeItem {
  priority?: number;
  limit?: number;
  normalize?: NormalizeStep[];
  blocked?: BlockedItem;
  pii?: boolean;
  paths?: string[];
}

interface IdentityFile {
  types?: Record<string, TypeItem>;
  blocked?: BlockedItem;
  unknown_types?: { accept?: boolean; priority?: number; limit?: number };
}

export interface ParsedIdentityConfig {
  // Null when the file has problems.
  rules: IdentityRules | null;
  issues: DefinitionIssue[];
}

function patternRule(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
    return null;
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
}

// Every place a name or a regular expression the schema cannot judge is wrong.
function ruleProblems(file: IdentityFile): { path: YamlPath; rule: string; atKey: boolean }[] {
  const out: { path: YamlPath; rule: string; atKey: boolean }[] = [];
  const checkPatterns = (blocked: BlockedItem | undefined, at: YamlPath) =>
    (blocked?.patterns ?? []).forEach((p, i) => {
      const rule = patternRule(p);
      if (rule) out.push({ path: [...at, 'blocked', 'patterns', i], rule, atKey: false });
    });
  for (const [name, item] of Object.entries(file.types ?? {})) {
    if (!TYPE_NAME.test(name)) {
      out.push({
        path: ['types', name],
        rule: 'must be an identity type name in snake_case (e.g. user_id)',
        atKey: true,
      });
    }
    checkPatterns(item.blocked, ['types', name]);
    (item.paths ?? []).forEach((p, i) => {
      if (IDENTITY_PATH.test(p)) return;
      out.push({
        path: ['types', name, 'paths', i],
        rule: 'must be a dotted path under traits, context or properties (e.g. traits.email)',
        atKey: false,
      });
    });
  }
  checkPatterns(file.blocked, []);
  return out;
}

// Types listed in the file take their missing fields from the built-in default of that type (or
// the unknown-type defaults); built-in types the file does not list keep their defaults.
function toRules(file: IdentityFile): IdentityRules {
  const unknownTypes = { ...DEFAULT_UNKNOWN_TYPES, ...file.unknown_types };
  const types = new Map<string, IdentityTypeRule>(DEFAULT_IDENTITY_RULES.types);
  for (const [type, item] of Object.entries(file.types ?? {})) {
    const base = DEFAULT_IDENTITY_RULES.types.get(type);
    types.set(type, {
      type,
      priority: item.priority ?? base?.priority ?? unknownTypes.priority,
      limit: item.limit ?? base?.limit ?? unknownTypes.limit,
      normalize: item.normalize ?? base?.normalize ?? ['trim'],
      blocked: blockList(item.blocked?.values ?? [], item.blocked?.patterns ?? []),
      pii: item.pii ?? base?.pii ?? false,
      paths: item.paths ?? base?.paths ?? [],
    });
  }
  const blocked = blockList(
    file.blocked?.values ?? DEFAULT_BLOCKED_VALUES,
    file.blocked?.patterns ?? [],
  );
  return { types, blocked, unknownTypes };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Parses and checks identity.yaml; every issue carries file:line:col. An empty file means defaults.
export function parseIdentityConfig(text: string, display: string): ParsedIdentityConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const issues: DefinitionIssue[] = [];
  const report = (at: { line: number; col: number }, path: string, rule: string) =>
    issues.push({ file: display, line: at.line, col: at.col, path, rule });
  for (const error of doc.errors) {
    const rule =
      error.code === 'DUPLICATE_KEY'
        ? 'duplicate key: each key may appear once in a mapping'
        : error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    report(error.linePos?.[0] ?? { line: 1, col: 1 }, 'yaml', rule);
  }
  if (issues.length > 0) return { rules: null, issues };

  const data: unknown = toJSOrIssue(doc, (rule) => report({ line: 1, col: 1 }, 'yaml', rule)) ?? {};
  if (!isRecord(data)) {
    report(
      { line: 1, col: 1 },
      '(file)',
      'must be a mapping with types:, blocked: and unknown_types:',
    );
    return { rules: null, issues };
  }
  const locator = new YamlLocator(doc, lines);
  const problems = validateFile(data) ? ruleProblems(data) : schemaProblems(validateFile.errors);
  for (const p of problems)
    report(locator.at(p.path, { key: p.atKey }), formatPath(p.path), p.rule);
  issues.sort(compareIssues);
  return issues.length > 0 ? { rules: null, issues } : { rules: toRules(data), issues };
}
