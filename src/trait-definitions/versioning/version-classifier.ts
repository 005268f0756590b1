import { sourceIdentityKey } from '../schema/source-kinds';
import type { TraitSpec } from '../trait-spec';
import { canonicalJson } from './canonical-json';
import { ChangeLevel, higherLevel } from './schema-ver';

export interface Classification {
  // null: nothing changed, no new version.
  level: ChangeLevel | null;
  // Human-readable, e.g. "type number → string".
  reasons: string[];
}

const MAX_SHOWN = 60;

function shown(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

class Changes {
  level: ChangeLevel | null = null;
  readonly reasons: string[] = [];

  add(level: ChangeLevel, reason: string): void {
    this.level = higherLevel(this.level, level);
    this.reasons.push(reason);
  }

  compare(level: ChangeLevel, label: string, before: unknown, after: unknown): void {
    if (!same(before, after)) this.add(level, `${label} ${shown(before)} → ${shown(after)}`);
  }
}

function compareValues(changes: Changes, before: string[] | null, after: string[] | null): void {
  const removed = (before ?? []).filter((v) => !(after ?? []).includes(v));
  const added = (after ?? []).filter((v) => !(before ?? []).includes(v));
  if (removed.length > 0) changes.add('revision', `values removed: ${removed.join(', ')}`);
  if (added.length > 0) changes.add('addition', `values added: ${added.join(', ')}`);
  if (removed.length === 0 && added.length === 0 && !same(before, after))
    changes.add('addition', 'values reordered');
}

function compareSource(
  changes: Changes,
  before: TraitSpec['source'],
  after: TraitSpec['source'],
): void {
  if (before.kind !== after.kind)
    return changes.add('breaking', `source kind ${before.kind} → ${after.kind}`);
  const identityKey = sourceIdentityKey(after.kind);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('kind');
  for (const key of [...keys].sort()) {
    const level = key === identityKey ? 'breaking' : 'addition';
    changes.compare(
      level,
      key === identityKey ? `source ${key}` : `source.${key}`,
      before[key],
      after[key],
    );
  }
}

// Classifies the change from one definition to the next (SchemaVer levels):
// breaking: type, source kind, source identity (dbt model, notebook path, event name);
// revision: pii, exposure, freshness, column, category values removed;
// addition: description, owner, category values added, any other source key.
export function classifyChange(before: TraitSpec, after: TraitSpec): Classification {
  const changes = new Changes();
  changes.compare('breaking', 'type', before.type, after.type);
  compareSource(changes, before.source, after.source);
  changes.compare('revision', 'pii', before.pii, after.pii);
  changes.compare('revision', 'exposure', before.exposure, after.exposure);
  changes.compare('revision', 'freshness', before.freshness, after.freshness);
  changes.compare('revision', 'column', before.column, after.column);
  compareValues(changes, before.values, after.values);
  if (!same(before.description, after.description)) changes.add('addition', 'description changed');
  changes.compare('addition', 'owner', before.owner, after.owner);
  // A field this classifier does not know about yet still makes a version.
  if (changes.level === null && !same(before, after)) changes.add('addition', 'definition changed');
  return { level: changes.level, reasons: changes.reasons };
}
