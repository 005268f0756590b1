import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface YamlFolderFile {
  // Relative to the definitions folder ("audiences/whales.yaml").
  relative: string;
  // Where it is, for messages.
  path: string;
  text: string;
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
    names.map(async (name) => ({
      relative: `${folder}/${name}`,
      path: join(root, name),
      text: await readFile(join(root, name), 'utf8'),
    })),
  );
}
