import Ajv from 'ajv';
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { cronProblem } from '../../trait-definitions/rules/cron';
import { schemaProblems } from '../../common/yaml/schema-problems';
import type { FileRef } from '../../trait-definitions/yaml/definition-file.parser';
import {
  DefinitionIssue,
  formatPath,
  YamlPath,
} from '../../common/yaml/yaml-issue';
import { Position, YamlLocator } from '../../common/yaml/yaml-locator';
import type { RuleFault } from '../rule/rule-fault';
import { AUDIENCE_FILE_SCHEMA } from './audience-file.schema';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validateFile = ajv.compile(AUDIENCE_FILE_SCHEMA);

export interface AudienceFile {
  slug: string;
  name: string;
  description: string | null;
  owner: string | null;
  schedule: string | null;
  rule: unknown;
  // Relative to the definitions folder (stored as the audience's file).
  relative: string;
  display: string;
  slugAt: Position;
  // Where a fault of the rule (a JSON pointer into it) is in the file.
  locate(fault: RuleFault): DefinitionIssue;
}

export interface ParsedAudienceFile {
  audience: AudienceFile | null;
  issues: DefinitionIssue[];
}

// "/all/0/op" → ['rule', 'all', 0, 'op']
function rulePath(pointer: string): YamlPath {
  const segs = pointer === '' ? [] : pointer.slice(1).split('/');
  return [
    'rule',
    ...segs
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
  ];
}

// Parses one audience file: YAML syntax, the file's keys, the schedule. The rule is checked
// afterwards, against what the folder (or the server) defines; `locate` places its faults.
export function parseAudienceFile(text: string, file: FileRef): ParsedAudienceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const issues: DefinitionIssue[] = [];
  const report = (at: Position, path: string, rule: string) =>
    issues.push({ file: file.display, line: at.line, col: at.col, path, rule });
  for (const error of doc.errors) {
    const rule =
      error.code === 'DUPLICATE_KEY'
        ? 'duplicate key: each key may appear once in a mapping'
        : error.message.split('\n')[0];
    report(error.linePos?.[0] ?? { line: 1, col: 1 }, 'yaml', rule);
  }
  if (doc.errors.length > 0) return { audience: null, issues };
  const locator = new YamlLocator(doc, lines);
  const data: unknown = doc.toJS();
  if (!validateFile(data)) {
    for (const p of schemaProblems(validateFile.errors))
      report(locator.at(p.path, { key: p.atKey }), formatPath(p.path), p.rule);
    return { audience: null, issues };
  }
  const d = data as {
    slug?: string;
    name: string;
    description?: string;
    owner?: string;
    schedule?: string;
    rule: unknown;
  };
  if (d.schedule) {
    const problem = cronProblem(d.schedule);
    if (problem) report(locator.at(['schedule']), 'schedule', problem);
  }
  const stem = basename(file.relative).replace(/\.ya?ml$/, '');
  const slug = d.slug ?? stem;
  if (!d.slug && !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(stem)) {
    report({ line: 1, col: 1 }, 'slug', `is required: the file name ${stem} is not a slug`);
  }
  if (issues.length > 0) return { audience: null, issues };
  return {
    issues,
    audience: {
      slug,
      name: d.name,
      description: d.description ?? null,
      owner: d.owner ?? null,
      schedule: d.schedule ?? null,
      rule: d.rule,
      relative: file.relative,
      display: file.display,
      slugAt: d.slug ? locator.at(['slug']) : { line: 1, col: 1 },
      locate: (fault) => {
        const path = rulePath(fault.pointer);
        const at = locator.at(path, { key: fault.rule.startsWith('unknown key') });
        return {
          file: file.display,
          line: at.line,
          col: at.col,
          path: formatPath(path),
          rule: fault.rule,
        };
      },
    },
  };
}
