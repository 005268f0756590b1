// SchemaVer MODEL-REVISION-ADDITION: MODEL for changes that break readers or writers,
// REVISION for changes that may affect some, ADDITION for changes that affect none.
export const CHANGE_LEVELS = ['addition', 'revision', 'breaking'] as const;
export type ChangeLevel = (typeof CHANGE_LEVELS)[number];

export const INITIAL_SCHEMA_VERSION = '1-0-0';

export function higherLevel(a: ChangeLevel | null, b: ChangeLevel): ChangeLevel {
  return a !== null && CHANGE_LEVELS.indexOf(a) > CHANGE_LEVELS.indexOf(b) ? a : b;
}

export function bumpSchemaVersion(current: string, level: ChangeLevel): string {
  const parts = /^(\d+)-(\d+)-(\d+)$/.exec(current);
  if (!parts) throw new Error(`schema_version "${current}" is not MODEL-REVISION-ADDITION`);
  const [model, revision, addition] = parts.slice(1).map(Number);
  if (level === 'breaking') return `${model + 1}-0-0`;
  if (level === 'revision') return `${model}-${revision + 1}-0`;
  return `${model}-${revision}-${addition + 1}`;
}
