import { toJSOrIssue } from '../../common/yaml/to-js';
import Ajv from 'ajv';
import { LineCounter, parseDocument, YAMLError } from 'yaml';
import { traitSpecRules } from '../rules/trait-spec.rules';
import { DEFINITION_FILE_SCHEMA } from '../schema/definition-file.schema';
import {
  FILE_SOURCE_KINDS,
  isFileSourceKind,
  SOURCE_KIND_DEFINITIONS,
} from '../schema/source-kinds';
import type { TraitSpec } from '../trait-spec';
import { schemaProblems } from '../../common/yaml/schema-problems';
import { compareIssues, DefinitionIssue, formatPath, YamlPath } from '../../common/yaml/yaml-issue';
import { toTraitSpec, TraitItem } from './to-trait-spec';
import { Position, YamlLocator } from '../../common/yaml/yaml-locator';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validateFile = ajv.compile(DEFINITION_FILE_SCHEMA);
const validateSource = Object.fromEntries(
  FILE_SOURCE_KINDS.map((kind) => [kind, ajv.compile(SOURCE_KIND_DEFINITIONS[kind].schema)]),
);

export interface DeclaredName {
  name: string;
  file: string;
  path: string;
  at: Position;
}

export interface ParsedFile {
  // Traits that passed the schema and the spec rules of their own.
  specs: TraitSpec[];
  // Every trait name declared, valid or not, for the duplicate check across files.
  names: DeclaredName[];
  issues: DefinitionIssue[];
}

export interface FileRef {
  // Relative to the definitions folder: stored as source.file.
  relative: string;
  // How messages name the file (relative to the working directory when inside it).
  display: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function yamlRule(error: YAMLError): string {
  if (error.code === 'DUPLICATE_KEY') return 'duplicate key: each key may appear once in a mapping';
  return error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function sourceKindRule(kind: unknown): string {
  if (kind === undefined) return 'is required';
  if (kind === 'audience')
    return 'audience traits are made by saving an audience, not declared in files';
  return `must be one of ${FILE_SOURCE_KINDS.join(', ')}`;
}

// Parses and checks one file: YAML syntax, the schema (unknown keys, types, enums), the source
// block against its kind's schema, then the rules of each trait. Every issue carries file:line:col.
export function parseDefinitionFile(text: string, file: FileRef): ParsedFile {
  const parsed = checkFile(text, file);
  parsed.issues.sort(compareIssues);
  return parsed;
}

function checkFile(text: string, file: FileRef): ParsedFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const out: ParsedFile = { specs: [], names: [], issues: [] };
  const report = (at: Position, path: string, rule: string) =>
    out.issues.push({ file: file.display, line: at.line, col: at.col, path, rule });

  for (const error of doc.errors)
    report(error.linePos?.[0] ?? { line: 1, col: 1 }, 'yaml', yamlRule(error));
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return out;

  const data: unknown = toJSOrIssue(doc, (rule) => report({ line: 1, col: 1 }, 'yaml', rule));
  const locator = new YamlLocator(doc, lines);
  if (!isRecord(data)) {
    report(
      { line: 1, col: 1 },
      '(file)',
      'must be a mapping with a source: block and a traits: list',
    );
    return out;
  }
  const problem = (path: YamlPath, rule: string, atKey = false) =>
    report(locator.at(path, { key: atKey }), formatPath(path), rule);

  const fileProblems = validateFile(data) ? [] : schemaProblems(validateFile.errors);
  fileProblems.forEach((p) => problem(p.path, p.rule, p.atKey));
  const badTraits = new Set(
    fileProblems.filter((p) => p.path[0] === 'traits').map((p) => p.path[1]),
  );

  const source = isRecord(data.source) ? data.source : {};
  if (isRecord(data.source)) checkSource(data.source, problem);

  if (!Array.isArray(data.traits)) return out;
  data.traits.forEach((raw: unknown, i) => {
    if (!isRecord(raw)) return;
    if (typeof raw.name === 'string') {
      const path: YamlPath = ['traits', i, 'name'];
      out.names.push({
        name: raw.name,
        file: file.display,
        path: formatPath(path),
        at: locator.at(path),
      });
    }
    if (badTraits.has(i)) return;
    const spec = toTraitSpec(raw as unknown as TraitItem, source, file.relative);
    // A bad kind is reported on source.kind once, not again through every trait's name rule.
    const checked = isFileSourceKind(source.kind)
      ? spec
      : { ...spec, source: { kind: 'api' as const } };
    const rules = traitSpecRules(checked).filter((r) => r.field !== 'source');
    rules.forEach((r) => problem(['traits', i, r.field], r.rule));
    if (rules.length === 0) out.specs.push(spec);
  });
  return out;
}

function checkSource(
  source: Record<string, unknown>,
  problem: (path: YamlPath, rule: string, atKey?: boolean) => void,
): void {
  const { kind } = source;
  if (!isFileSourceKind(kind)) return problem(['source', 'kind'], sourceKindRule(kind));
  const validate = validateSource[kind];
  if (!validate(source)) {
    schemaProblems(validate.errors, ['source']).forEach((p) => problem(p.path, p.rule, p.atKey));
    return;
  }
  for (const rule of SOURCE_KIND_DEFINITIONS[kind].check?.(source) ?? [])
    problem(['source', ...rule.path], rule.rule);
}
