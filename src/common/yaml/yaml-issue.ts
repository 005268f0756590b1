export type YamlPath = (string | number)[];

// One problem in one YAML file (trait definitions, identity rules, …), printed as `file:line:col: path: rule`.
export interface DefinitionIssue {
  file: string;
  line: number;
  col: number;
  path: string;
  rule: string;
}

// ['traits', 0, 'type'] → "traits[0].type"; [] → "(file)".
export function formatPath(path: YamlPath): string {
  if (path.length === 0) return '(file)';
  return path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg),
    '',
  );
}

export function formatIssue(issue: DefinitionIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.path}: ${issue.rule}`;
}

// What stops a start on invalid files: `invalid <what> (N problem(s)):` and one issue per line.
export function invalidMessage(what: string, issues: readonly DefinitionIssue[]): string {
  const lines = issues.map((i) => `  ${formatIssue(i)}`).join('\n');
  return `invalid ${what} (${issues.length} problem(s)):\n${lines}`;
}

export function compareIssues(a: DefinitionIssue, b: DefinitionIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}
