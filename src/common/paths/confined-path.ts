import { realpathSync } from 'node:fs';
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';

export type Confined = { ok: true; path: string } | { ok: false; rule: string };

// An encoded dot, slash, backslash or NUL: a path written to slip past a check made before decoding.
const ENCODED = /%(2e|2f|5c|00)/i;

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

// What is wrong with the text of a path before any root is known (definition checks): a NUL byte,
// a URL-encoded separator, or a relative path whose `..` climbs above where it starts.
export function pathTextRule(given: string): string | null {
  if (given.includes('\0')) return 'must not contain a NUL byte';
  if (ENCODED.test(given)) return 'must not contain URL-encoded dots, slashes or NUL bytes';
  const n = normalize(given);
  if (!isAbsolute(given) && (n === '..' || n.startsWith(`..${sep}`)))
    return 'must not climb out of the project with ..';
  return null;
}

// A path taken from input or configuration, resolved under root: refused when its text is wrong
// (pathTextRule), it is absolute outside root, or it is (or passes through) a symbolic link that
// points outside root. A path that does not exist yet is judged by its text. The rule reads after
// the field's name: "notebook: must stay inside /srv/app".
export function confinedPath(root: string, given: string, where = root): Confined {
  const text = pathTextRule(given);
  if (text) return { ok: false, rule: text };
  const base = resolve(root);
  const path = resolve(base, given);
  if (!inside(base, path)) return { ok: false, rule: `must stay inside ${where}` };
  const realPath = real(path);
  if (realPath !== null && !inside(real(base) ?? base, realPath))
    return { ok: false, rule: `is a symbolic link pointing outside ${where}` };
  return { ok: true, path };
}
