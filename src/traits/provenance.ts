// Source-specific reference: dbt {uniqueId, invocationId, checksum}; notebook {path, sha256,
// modelVersion}; audience {audienceId, definitionVersion}; event {messageId}; api {keyId}.
export type SourceRef = Record<string, string | number | boolean | null>;

export interface Provenance {
  sourceKind: string;
  sourceRef: SourceRef;
  runId: string | null;
}
