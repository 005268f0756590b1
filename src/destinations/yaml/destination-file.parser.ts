import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { compareIssues, DefinitionIssue, formatPath } from '../../common/yaml/yaml-issue';
import { YamlLocator } from '../../common/yaml/yaml-locator';
import type { FileRef } from '../../trait-definitions/yaml/definition-file.parser';
import type { DestinationSpec } from '../spec/destination-spec';
import { SpecProblem, specProblems } from '../spec/destination-spec.check';

export interface DestinationFile {
  slug: string;
  spec: DestinationSpec;
  relative: string;
  // Where a problem found later (a trait or audience it lists) is in the file.
  locate(problem: SpecProblem): DefinitionIssue;
}

export interface ParsedDestinationFile {
  destination: DestinationFile | null;
  issues: DefinitionIssue[];
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

// One destination per file; the slug defaults to the file name. Problems come back as
// file:line:col with the field and the rule.
export function parseDestinationFile(text: string, file: FileRef): ParsedDestinationFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const issues: DefinitionIssue[] = [];
  for (const error of doc.errors) {
    const at = error.linePos?.[0] ?? { line: 1, col: 1 };
    const rule =
      error.code === 'DUPLICATE_KEY'
        ? 'duplicate key: each key may appear once in a mapping'
        : error.message.split('\n')[0];
    issues.push({ file: file.display, ...at, path: 'yaml', rule });
  }
  if (issues.length > 0) return { destination: null, issues };
  const locator = new YamlLocator(doc, lines);
  const locate = (p: SpecProblem): DefinitionIssue => {
    const at = locator.at(p.path, { key: p.atKey });
    return {
      file: file.display,
      line: at.line,
      col: at.col,
      path: formatPath(p.path),
      rule: p.rule,
    };
  };
  const data: unknown = doc.toJS();
  issues.push(...specProblems(data).map(locate));
  const stem = basename(file.relative).replace(/\.ya?ml$/, '');
  const { slug, ...spec } = (data ?? {}) as DestinationSpec & { slug?: string };
  if (!slug && !SLUG.test(stem))
    issues.push({
      file: file.display,
      line: 1,
      col: 1,
      path: 'slug',
      rule: `is required: the file name ${stem} is not a slug`,
    });
  if (issues.length > 0) return { destination: null, issues: issues.sort(compareIssues) };
  return { issues, destination: { slug: slug ?? stem, spec, relative: file.relative, locate } };
}
