import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { displayPath } from '../../trait-definitions/yaml/definitions.loader';
import { confinedPath } from '../paths/confined-path';
import type { DefinitionIssue } from './yaml-issue';

export interface YamlFolderFile {
  // Relative to the definitions folder ("audiences/whales.yaml").
  relative: string;
  // Where it is, for messages.
  path: string;
  text: string;
  // Set when the file was not read: a symbolic link pointing outside the definitions folder.
  refused?: DefinitionIssue;
}

// The *.yaml / *.yml files of one sub-folder of the definitions folder (audiences/,
// destinations/), by name; null when the folder does not exist.
export async function readYamlFolder(
  definitionsDir: string,
  folder: string,
): Promise<YamlFolderFile[] | null> {
  const root = resolve(definitionsDir, folder);
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return null;
  const names = (await readdir(root))
    .filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.'))
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const relative = `${folder}/${name}`;
      const path = join(root, name);
      const confined = confinedPath(definitionsDir, relative, 'the definitions folder');
      if (!confined.ok) {
        const refused = {
          file: displayPath(path),
          line: 1,
          col: 1,
          path: '(file)',
          rule: confined.rule,
        };
        return { relative, path, text: '', refused };
      }
      return { relative, path, text: await readFile(path, 'utf8') };
    }),
  );
}
