import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The README's runnable examples: a fenced block preceded by a marker comment
//   <!-- example: graphql key=game -->     a GraphQL document, posted with the GAME or ADMIN key
//   <!-- example: sh -->                   a shell snippet, run with bash (ADMIN, GAME set)
export interface ReadmeExample {
  kind: 'graphql' | 'sh';
  key: 'game' | 'admin';
  line: number;
  code: string;
}

const MARKER = /^<!-- example: (graphql|sh)(?: key=(game|admin))? -->$/;

export function readmeExamples(root: string): ReadmeExample[] {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  const out: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i].trim());
    if (!m) continue;
    const open = lines.findIndex((l, k) => k > i && l.startsWith('```'));
    const close = lines.findIndex((l, k) => k > open && l.startsWith('```'));
    const between = lines.slice(i + 1, open);
    if (open < 0 || close < 0 || between.some((l) => l.trim() !== ''))
      throw new Error(`README.md:${i + 1}: a marker must precede a fenced block`);
    out.push({
      kind: m[1] as ReadmeExample['kind'],
      key: (m[2] as ReadmeExample['key']) ?? 'admin',
      line: open + 2,
      code: lines.slice(open + 1, close).join('\n'),
    });
  }
  return out;
}
