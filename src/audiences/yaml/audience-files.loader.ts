import { readYamlFolder } from '../../common/yaml/yaml-folder';
import { compareIssues, DefinitionIssue } from '../../common/yaml/yaml-issue';
import type { TraitSpec } from '../../trait-definitions/trait-spec';
import { displayPath } from '../../trait-definitions/yaml/definitions.loader';
import { folderCycleFaults } from '../rule/audience-cycles';
import type { RuleContext } from '../rule/rule-semantics';
import { shapeFaults } from '../rule/rule-shape';
import { checkRule } from '../rule/rule-validator';
import type { Rule } from '../rule/rule.types';
import { AudienceFile, parseAudienceFile } from './audience-file.parser';

export const AUDIENCES_FOLDER = 'audiences';

export interface LoadedAudiences {
  exists: boolean;
  files: string[];
  audiences: AudienceFile[];
  issues: DefinitionIssue[];
}

// Reads trait-definitions/audiences/*.yaml (one audience per file), without checking the rules.
export async function loadAudienceFiles(definitionsDir: string): Promise<LoadedAudiences> {
  const out: LoadedAudiences = { exists: false, files: [], audiences: [], issues: [] };
  const files = await readYamlFolder(definitionsDir, AUDIENCES_FOLDER);
  if (!files) return out;
  out.exists = true;
  for (const f of files) {
    out.files.push(f.relative);
    if (f.refused) {
      out.issues.push(f.refused);
      continue;
    }
    const parsed = parseAudienceFile(f.text, {
      relative: f.relative,
      display: displayPath(f.path),
    });
    out.issues.push(...parsed.issues);
    if (parsed.audience) out.audiences.push(parsed.audience);
  }
  return out;
}

// Checks the rules of a folder's audiences against `ctx`, names each slug once, and finds cycles
// among them; every problem comes back as file:line:col.
export function checkAudienceFiles(
  audiences: readonly AudienceFile[],
  ctx: RuleContext,
): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const first = new Map<string, AudienceFile>();
  const rules = new Map<string, Rule>();
  for (const a of audiences) {
    const earlier = first.get(a.slug);
    if (earlier) {
      issues.push({
        file: a.display,
        ...a.slugAt,
        path: 'slug',
        rule: `audience "${a.slug}" is already defined in ${earlier.display}`,
      });
      continue;
    }
    first.set(a.slug, a);
    const checked = checkRule(a.rule, ctx);
    if (!checked.ok) issues.push(...checked.faults.map((f) => a.locate(f)));
    // Cycles are looked for among every rule of the right shape, faulty or not.
    if (shapeFaults(a.rule).length === 0) rules.set(a.slug, a.rule as Rule);
  }
  for (const { slug, fault } of folderCycleFaults(rules))
    issues.push(first.get(slug)!.locate(fault));
  return issues.sort(compareIssues);
}

// The context of `defs validate`: what the folder declares is checked; anything else may exist on
// the server (a dbt-imported trait, an audience saved through the API) and is left to it.
export function folderContext(
  specs: readonly TraitSpec[],
  audiences: readonly AudienceFile[],
): RuleContext {
  const traits = new Map(specs.map((s) => [s.name, s]));
  const slugs = new Set(audiences.map((a) => a.slug));
  return {
    trait: (name) => {
      const s = traits.get(name);
      return s ? { type: s.type, values: s.values, retired: false } : 'unchecked';
    },
    audience: (slug) => (slugs.has(slug) ? 'active' : 'unchecked'),
  };
}
