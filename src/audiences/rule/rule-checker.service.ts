import { Injectable } from '@nestjs/common';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { AudienceDirectory } from '../storage/audience-directory.service';
import type { RuleFault } from './rule-fault';
import { audiencesRead, traitsRead } from './rule-references';
import type { RuleContext } from './rule-semantics';
import { shapeFaults } from './rule-shape';
import { checkRule } from './rule-validator';
import type { Rule } from './rule.types';

// Checks rules against what exists now: trait definitions (TraitRegistry) and audiences.
@Injectable()
export class RuleChecker {
  constructor(
    private readonly registry: TraitRegistry,
    private readonly audiences: AudienceDirectory,
  ) {}

  // For the audience `slug` (its own name counts as existing: a self-reference is a cycle), or
  // for a preview (no slug). `coming` names audiences about to be saved with it (a folder).
  async check(
    raw: unknown,
    slug?: string,
    coming: ReadonlySet<string> = new Set(),
  ): Promise<{ ok: true; rule: Rule } | { ok: false; faults: RuleFault[] }> {
    const defs = new Map((await this.registry.all()).map((d) => [d.name, d]));
    // A trait defined by another process moments ago: the registry re-reads on a miss.
    if (shapeFaults(raw).length === 0) {
      for (const name of traitsRead(raw as Rule)) {
        const def = defs.has(name) ? undefined : await this.registry.get(name);
        if (def) defs.set(name, def);
      }
    }
    const audiences = await this.audiences.bySlugMap();
    const ctx: RuleContext = {
      trait: (name) => defs.get(name),
      audience: (s) => {
        if (s === slug || coming.has(s)) return 'active';
        const a = audiences.get(s);
        return a ? (a.archivedAt ? 'archived' : 'active') : undefined;
      },
    };
    const reads = (s: string) => {
      const a = audiences.get(s);
      return a && !a.archivedAt ? audiencesRead(a.rule) : [];
    };
    return checkRule(raw, ctx, slug ? { slug, reads } : undefined);
  }
}
