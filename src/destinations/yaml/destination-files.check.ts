import { loadAudienceFiles } from '../../audiences/yaml/audience-files.loader';
import type { DefinitionIssue } from '../../common/yaml/yaml-issue';
import type { TraitSpec } from '../../trait-definitions/trait-spec';
import { folderNames, nameProblems } from '../spec/destination-names.check';
import { loadDestinationFiles } from './destination-files.loader';

// `defs validate` for trait-definitions/destinations/: the files, then the traits and audiences
// each lists against the folder's trait definitions and audiences/ (folderNames), with no
// database.
export async function checkedDestinationFiles(
  definitionsDir: string,
  specs: readonly TraitSpec[],
): Promise<{ count: number; issues: DefinitionIssue[] }> {
  const loaded = await loadDestinationFiles(definitionsDir);
  const audiences = await loadAudienceFiles(definitionsDir);
  const names = folderNames(
    specs.map((s) => s.name),
    audiences.audiences.map((a) => a.slug),
  );
  const issues = [
    ...loaded.issues,
    ...loaded.destinations.flatMap((d) => nameProblems(d.spec, names).map((p) => d.locate(p))),
  ];
  return { count: loaded.destinations.length, issues };
}
