import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { isRecord } from './json-guards';

export type ArtifactKind = 'manifest' | 'run-results';

// Versions whose fields we read were checked against dbt's published schemas: manifest v7 (dbt 1.3)
// to v12 (dbt 1.8–1.11), run-results v4 (dbt 1.3) to v6 (dbt 1.8+). A newer major version may move
// fields, so it is refused rather than half-read.
export const SUPPORTED_VERSIONS: Record<ArtifactKind, { min: number; max: number }> = {
  manifest: { min: 7, max: 12 },
  'run-results': { min: 4, max: 6 },
};

const FIELD = 'metadata.dbt_schema_version';
const PATTERN = /\/dbt\/([a-z-]+)\/v(\d+)\.json$/;

function refuse(rule: string): never {
  throw new DomainError(ErrorCode.INVALID_DEFINITION, `${FIELD}: ${rule}`, { [FIELD]: rule });
}

// Reads metadata.dbt_schema_version (e.g. https://schemas.getdbt.com/dbt/manifest/v12.json) and
// returns the version number, or throws a 422 naming the field.
export function artifactVersion(doc: unknown, kind: ArtifactKind): number {
  if (!isRecord(doc)) {
    throw new DomainError(ErrorCode.INVALID_DEFINITION, `body: must be a dbt ${kind} JSON object`, {
      body: `must be a dbt ${kind} JSON object`,
    });
  }
  const raw = isRecord(doc.metadata) ? doc.metadata.dbt_schema_version : undefined;
  if (typeof raw !== 'string') refuse(`is required (a dbt ${kind}.json artifact carries it)`);
  const match = PATTERN.exec(raw);
  if (!match) refuse(`"${raw}" is not a dbt schema URL`);
  const { min, max } = SUPPORTED_VERSIONS[kind];
  if (match[1] !== kind) refuse(`"${raw}" is a ${match[1]} artifact, expected ${kind}`);
  const version = Number(match[2]);
  if (version < min || version > max)
    refuse(`${kind} v${version} is not supported (supported: v${min}–v${max})`);
  return version;
}
