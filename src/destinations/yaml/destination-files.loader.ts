import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DefinitionIssue } from '../../common/yaml/yaml-issue';
import { displayPath } from '../../trait-definitions/yaml/definitions.loader';
import { DestinationFile, parseDestinationFile } from './destination-file.parser';

export const DESTINATIONS_FOLDER = 'destinations';

export interface LoadedDestinations {
  exists: boolean;
  files: string[];
  destinations: DestinationFile[];
  issues: DefinitionIssue[];
}

// Reads trait-definitions/destinations/*.yaml, one destination per file, slugs unique.
export async function loadDestinationFiles(definitionsDir: string): Promise<LoadedDestinations> {
  const root = resolve(definitionsDir, DESTINATIONS_FOLDER);
  const out: LoadedDestinations = { exists: false, files: [], destinations: [], issues: [] };
  const isDir = await stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return out;
  out.exists = true;
  const names = (await readdir(root))
    .filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.'))
    .sort();
  const seen = new Map<string, string>();
  for (const name of names) {
    const relative = `${DESTINATIONS_FOLDER}/${name}`;
    const display = displayPath(join(root, name));
    out.files.push(relative);
    const parsed = parseDestinationFile(await readFile(join(root, name), 'utf8'), {
      relative,
      display,
    });
    out.issues.push(...parsed.issues);
    if (!parsed.destination) continue;
    const earlier = seen.get(parsed.destination.slug);
    if (earlier) {
      out.issues.push({
        file: display,
        line: 1,
        col: 1,
        path: 'slug',
        rule: `destination "${parsed.destination.slug}" is already defined in ${earlier}`,
      });
      continue;
    }
    seen.set(parsed.destination.slug, display);
    out.destinations.push(parsed.destination);
  }
  return out;
}
