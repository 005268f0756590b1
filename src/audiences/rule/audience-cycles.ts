import { pointerOf, RuleFault } from './rule-fault';
import { conditionsOf } from './rule-walk';
import type { Rule } from './rule.types';

// The path from `from` back to `to` through the audiences each one reads, if there is one.
function pathBack(
  from: string,
  to: string,
  reads: (slug: string) => Iterable<string>,
  seen = new Set<string>(),
): string[] | null {
  if (from === to) return [to];
  if (seen.has(from)) return null;
  seen.add(from);
  for (const next of reads(from)) {
    const rest = pathBack(next, to, reads, seen);
    if (rest) return [from, ...rest];
  }
  return null;
}

// A rule for audience `slug` that reads an audience which (through others) reads `slug` again
// would make membership depend on itself: each such condition is a fault naming the cycle.
// `reads` gives the audiences another audience's rule reads.
export function cycleFaults(
  slug: string,
  rule: Rule,
  reads: (slug: string) => Iterable<string>,
): RuleFault[] {
  const faults: RuleFault[] = [];
  for (const c of conditionsOf(rule)) {
    if (c.kind !== 'audience') continue;
    const back = pathBack(c.condition.audience, slug, reads);
    if (back) {
      faults.push({
        pointer: pointerOf([...c.path, 'audience']),
        rule: `audiences may not depend on themselves: ${[slug, ...back].join(' → ')}`,
      });
    }
  }
  return faults;
}

// Every cycle among a set of audiences (defs validate: the whole folder at once), one per audience
// that closes one, as [slug, pointer, rule].
export function folderCycleFaults(
  rules: ReadonlyMap<string, Rule>,
): { slug: string; fault: RuleFault }[] {
  const reads = (s: string) => {
    const r = rules.get(s);
    return r
      ? conditionsOf(r).flatMap((c) => (c.kind === 'audience' ? [c.condition.audience] : []))
      : [];
  };
  return [...rules].flatMap(([slug, rule]) =>
    cycleFaults(slug, rule, reads).map((fault) => ({ slug, fault })),
  );
}
