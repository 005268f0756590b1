import type { DefinitionPlan, PlanEntry } from '../trait-definitions/versioning/definition-plan';

const MARK: Record<PlanEntry['action'], string> = {
  create: '+',
  update: '~',
  restore: '^',
  retire: '-',
};

function line(e: PlanEntry): string {
  const moved = e.fromSchemaVersion !== null && e.fromSchemaVersion !== e.schemaVersion;
  const versions = moved ? `${e.fromSchemaVersion} → ${e.schemaVersion}` : e.schemaVersion;
  const label = e.action === 'create' ? `${e.spec.type}, ${e.spec.source.kind}` : e.change;
  const head = `  ${MARK[e.action]} ${e.name} (${label}) ${versions}${e.breaking ? '  BREAKING' : ''}`;
  const details = e.reasons.map((r) => `      ${r}`);
  if (e.usedBy.length > 0) details.push(`      used by: ${e.usedBy.join(', ')}`);
  return [head, ...details].join('\n');
}

function section(title: string, entries: PlanEntry[]): string[] {
  return entries.length > 0 ? [`${title}:`, ...entries.map(line)] : [];
}

// Human-readable plan, grouped: new, changed (incl. restored), retired, then a summary line.
export function formatPlan(plan: DefinitionPlan): string {
  const of = (...actions: PlanEntry['action'][]) =>
    plan.entries.filter((e) => actions.includes(e.action));
  const breaking = plan.entries.filter((e) => e.breaking).length;
  const lines = [
    ...section('New', of('create')),
    ...section('Changed', of('update', 'restore')),
    ...section('Retired', of('retire')),
    ...(plan.conflicts.length > 0 ? ['Conflicts (managed by another origin):'] : []),
    ...plan.conflicts.map((c) => `  ! ${c.name} is managed by origin ${c.managedBy}`),
  ];
  const changed = of('update', 'restore').length;
  lines.push(
    `${of('create').length} new, ${changed} changed, ${of('retire').length} retired, ` +
      `${plan.unchanged.length} unchanged; ${breaking} breaking.`,
  );
  return lines.join('\n');
}
