import type { TraitSpec } from '../../trait-definitions/trait-spec';
import type { DefinitionIssue } from '../../common/yaml/yaml-issue';
import { checkAudienceFiles, folderContext, loadAudienceFiles } from './audience-files.loader';

// `defs validate` for trait-definitions/audiences/: files, rules against the folder's traits,
// duplicate slugs and cycles, with no database.
export async function checkedAudienceFiles(
  definitionsDir: string,
  specs: readonly TraitSpec[],
): Promise<{ count: number; issues: DefinitionIssue[] }> {
  const loaded = await loadAudienceFiles(definitionsDir);
  const issues = [
    ...loaded.issues,
    ...checkAudienceFiles(loaded.audiences, folderContext(specs, loaded.audiences)),
  ];
  return { count: loaded.audiences.length, issues };
}
