import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { confinedPath } from '../../common/paths/confined-path';
import { compareIssues, DefinitionIssue } from '../../common/yaml/yaml-issue';
import type { TraitSpec } from '../trait-spec';
import type { DeclaredName } from './definition-file.parser';
import { parseDefinitionFile } from './definition-file.parser';

// Other features own these: identity rules, the tracking plan, audiences, destinations.
const SKIPPED_FILES = new Set(['identity.yaml', 'identity.yml']);
const SKIPPED_FOLDERS = new Set(['events', 'audiences', 'destinations']);
const YAML_FILE = /\.ya?ml$/;

export interface LoadedDefinitions {
  dir: string;
  exists: boolean;
  files: string[];
  specs: TraitSpec[];
  issues: DefinitionIssue[];
}

export function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
}

// Relative paths (with /) of the definition files under root, sorted, skipping other features' files.
// A symbolic link is followed only when it stays inside root (each folder once, so a link to an
// ancestor cannot loop); one pointing outside is an issue, never read.
async function definitionFiles(
  root: string,
  issues: DefinitionIssue[],
  folder = '',
  seen = new Set<string>(),
): Promise<string[]> {
  const entries = await readdir(join(root, folder), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.name.startsWith('.')) continue;
    if (folder === '' && (SKIPPED_FOLDERS.has(entry.name) || SKIPPED_FILES.has(entry.name)))
      continue;
    if (entry.isSymbolicLink()) {
      const confined = confinedPath(root, rel, 'the definitions folder');
      if (!confined.ok) {
        const file = displayPath(join(root, rel));
        issues.push({ file, line: 1, col: 1, path: '(file)', rule: confined.rule });
        continue;
      }
    }
    const dir =
      entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(join(root, rel))));
    if (dir) {
      const real = await realpath(join(root, rel));
      if (seen.has(real)) continue;
      seen.add(real);
      out.push(...(await definitionFiles(root, issues, rel, seen)));
    } else if (YAML_FILE.test(entry.name)) {
      out.push(rel);
    }
  }
  return out;
}

function duplicateIssues(names: DeclaredName[]): DefinitionIssue[] {
  const first = new Map<string, DeclaredName>();
  const issues: DefinitionIssue[] = [];
  for (const declared of names) {
    const earlier = first.get(declared.name);
    if (!earlier) {
      first.set(declared.name, declared);
      continue;
    }
    issues.push({
      file: declared.file,
      ...declared.at,
      path: declared.path,
      rule: `trait "${declared.name}" is already declared at ${earlier.file}:${earlier.at.line}:${earlier.at.col}`,
    });
  }
  return issues;
}

// Reads every definition file of a folder. A missing folder is reported through `exists`, not as
// an issue: at start it means "nothing to apply", for `defs validate` it is an error.
export async function loadDefinitionsDir(dir: string): Promise<LoadedDefinitions> {
  const root = resolve(dir);
  const result: LoadedDefinitions = { dir: root, exists: false, files: [], specs: [], issues: [] };
  const kind = await isDirectory(root);
  if (kind === undefined) return result;
  result.exists = true;
  if (!kind) {
    result.issues.push({
      file: displayPath(root),
      line: 1,
      col: 1,
      path: '(folder)',
      rule: 'is not a folder',
    });
    return result;
  }
  result.files = await definitionFiles(root, result.issues, '', new Set([await realpath(root)]));
  const names: DeclaredName[] = [];
  for (const rel of result.files) {
    const display = displayPath(join(root, rel));
    const text = await readFile(join(root, rel), 'utf8').catch((err: NodeJS.ErrnoException) => {
      result.issues.push({
        file: display,
        line: 1,
        col: 1,
        path: '(file)',
        rule: `cannot be read (${err.code})`,
      });
      return undefined;
    });
    if (text === undefined) continue;
    const parsed = parseDefinitionFile(text, { relative: rel, display });
    result.specs.push(...parsed.specs);
    result.issues.push(...parsed.issues);
    names.push(...parsed.names);
  }
  result.issues.push(...duplicateIssues(names));
  result.issues.sort(compareIssues);
  return result;
}
