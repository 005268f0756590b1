import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { confinedPath } from '../../common/paths/confined-path';
import { displayPath } from '../../trait-definitions/yaml/definitions.loader';
import { ParsedIdentityConfig, parseIdentityConfig } from './identity-config.parser';
import { DEFAULT_IDENTITY_RULES } from './identity-rules';

export const IDENTITY_FILES = ['identity.yaml', 'identity.yml'];

export interface LoadedIdentityConfig extends ParsedIdentityConfig {
  // The file read, or null when the folder has none (the defaults apply).
  file: string | null;
}

// Reads <definitions dir>/identity.yaml (or .yml); without one, the built-in defaults apply.
export async function loadIdentityConfig(dir: string): Promise<LoadedIdentityConfig> {
  for (const name of IDENTITY_FILES) {
    const path = join(dir, name);
    const confined = confinedPath(dir, name, 'the definitions folder');
    if (!confined.ok) {
      const issue = {
        file: displayPath(path),
        line: 1,
        col: 1,
        path: '(file)',
        rule: confined.rule,
      };
      return { file: path, rules: null, issues: [issue] };
    }
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (text === undefined) continue;
    return { file: path, ...parseIdentityConfig(text, displayPath(path)) };
  }
  return { file: null, rules: DEFAULT_IDENTITY_RULES, issues: [] };
}
