import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { Problems, recordAt, stringAt } from './json-guards';
import { artifactVersion } from './schema-version';

export interface RunResult {
  uniqueId: string;
  // model: success | error | skipped | …; test: pass | warn | fail | error | skipped.
  status: string;
  message: string | null;
  failures: number | null;
}

export interface RunResults {
  schemaVersion: number;
  dbtVersion: string | null;
  invocationId: string;
  generatedAt: string | null;
  // `dbt build --full-refresh` rebuilt the models: their syncs re-read everything too.
  fullRefresh: boolean;
  results: RunResult[];
}

const MAX_MESSAGE = 500;

// Reads a run_results.json defensively: schema version first, then the few fields used, each
// checked; problems come back as one 422 listing every field.
export function readRunResults(doc: unknown): RunResults {
  const schemaVersion = artifactVersion(doc, 'run-results');
  const root = recordAt(doc);
  const metadata = recordAt(root.metadata);
  const problems = new Problems();
  const invocationId = stringAt(metadata.invocation_id);
  if (!invocationId) problems.add('metadata.invocation_id', 'is required');
  if (!Array.isArray(root.results)) problems.add('results', 'must be a list');
  const results: RunResult[] = [];
  (Array.isArray(root.results) ? root.results : []).forEach((raw: unknown, i) => {
    const r = recordAt(raw);
    const uniqueId = stringAt(r.unique_id);
    const status = stringAt(r.status);
    if (!uniqueId) problems.add(`results[${i}].unique_id`, 'must be a string');
    if (!status) problems.add(`results[${i}].status`, 'must be a string');
    if (!uniqueId || !status) return;
    const message = stringAt(r.message);
    results.push({
      uniqueId,
      status,
      message:
        message && message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
      failures: typeof r.failures === 'number' ? r.failures : null,
    });
  });
  if (!problems.empty) {
    throw new DomainError(ErrorCode.INVALID_DEFINITION, problems.lines()[0], problems.byPath);
  }
  return {
    schemaVersion,
    dbtVersion: stringAt(metadata.dbt_version),
    invocationId: invocationId as string,
    generatedAt: stringAt(metadata.generated_at),
    fullRefresh: recordAt(root.args).full_refresh === true,
    results,
  };
}
