import { readYamlFolder } from '../../common/yaml/yaml-folder';
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
  const out: LoadedDestinations = { exists: false, files: [], destinations: [], issues: [] };
  const files = await readYamlFolder(definitionsDir, DESTINATIONS_FOLDER);
  if (!files) return out;
  out.exists = true;
  const seen = new Map<string, string>();
  for (const f of files) {
    const display = displayPath(f.path);
    out.files.push(f.relative);
    if (f.refused) {
      out.issues.push(f.refused);
      continue;
    }
    const parsed = parseDestinationFile(f.text, { relative: f.relative, display });
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
