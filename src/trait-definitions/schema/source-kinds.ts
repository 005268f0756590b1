import { API_SOURCE } from './source-api.schema';
import { DBT_SOURCE } from './source-dbt.schema';
import { EVENT_SOURCE } from './source-event.schema';
import type { SourceKindDefinition } from './source-kind';
import { NOTEBOOK_SOURCE } from './source-notebook.schema';

// Kinds a definition file may declare. Audience traits are made by the audiences feature only.
export const FILE_SOURCE_KINDS = ['dbt', 'notebook', 'api', 'event'] as const;
export type FileSourceKind = (typeof FILE_SOURCE_KINDS)[number];

export const SOURCE_KIND_DEFINITIONS: Record<FileSourceKind, SourceKindDefinition> = {
  dbt: DBT_SOURCE,
  notebook: NOTEBOOK_SOURCE,
  api: API_SOURCE,
  event: EVENT_SOURCE,
};

export function isFileSourceKind(kind: unknown): kind is FileSourceKind {
  return typeof kind === 'string' && (FILE_SOURCE_KINDS as readonly string[]).includes(kind);
}

// The source key whose change makes a definition breaking (dbt model, notebook path, event name).
export function sourceIdentityKey(kind: string): string | undefined {
  return isFileSourceKind(kind) ? SOURCE_KIND_DEFINITIONS[kind].identityKey : undefined;
}
