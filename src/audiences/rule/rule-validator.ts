import { cycleFaults } from './audience-cycles';
import type { RuleFault } from './rule-fault';
import { RuleContext, semanticFaults } from './rule-semantics';
import { shapeFaults } from './rule-shape';
import type { Rule } from './rule.types';

export type CheckedRule = { ok: true; rule: Rule } | { ok: false; faults: RuleFault[] };

export interface AudienceGraph {
  // The audience the rule is for (absent for a preview: no cycle is possible).
  slug?: string;
  // The audiences another audience's rule reads.
  reads: (slug: string) => Iterable<string>;
}

// The one check every rule passes before it is saved, previewed or applied from a file: the JSON
// Schema, then what it names, then cycles through other audiences. Faults carry JSON pointers.
export function checkRule(raw: unknown, ctx: RuleContext, graph?: AudienceGraph): CheckedRule {
  const shape = shapeFaults(raw);
  if (shape.length > 0) return { ok: false, faults: shape };
  const rule = raw as Rule;
  const faults = semanticFaults(rule, ctx);
  if (graph?.slug) faults.push(...cycleFaults(graph.slug, rule, graph.reads));
  return faults.length > 0 ? { ok: false, faults } : { ok: true, rule };
}
