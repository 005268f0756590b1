import type { TraitSpec } from '../../../trait-definitions/trait-spec';
import type { ManifestModel } from '../artifacts/manifest';
import { describeDifference, readingKeys } from '../sources/dbt-source';

// A model that both a trait-definitions YAML file and the manifest's meta declare must be read the
// same way by both, or every later sync of it fails on the conflict: refuse the import instead,
// naming both places. A YAML model given by name is matched to the manifest's unique_id, and a
// relation it leaves out is the manifest's relation_name (what the sync would use).
export function yamlOverlaps(
  manifestSpecs: readonly TraitSpec[],
  yamlSpecs: readonly TraitSpec[],
  models: readonly ManifestModel[],
): string[] {
  const problems: string[] = [];
  for (const yaml of yamlSpecs) {
    const declared = yaml.source.model;
    const model = models.find((m) => m.uniqueId === declared || m.name === declared);
    const ours = model && manifestSpecs.find((s) => s.source.model === model.uniqueId);
    if (!model || !ours) continue;
    const theirs = readingKeys({ relation: model.relation, ...yaml.source });
    const diff = describeDifference(readingKeys(ours.source), theirs);
    if (!diff) continue;
    const where = `${yaml.source.file ?? 'a trait-definitions file'} (trait ${yaml.name})`;
    const line = `model ${model.uniqueId} is declared differently in ${where} and in the manifest at ${model.path}.meta.traitbase: ${diff}`;
    if (!problems.some((p) => p.startsWith(`model ${model.uniqueId} `))) problems.push(line);
  }
  return problems;
}
