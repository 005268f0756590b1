import type { RunResult } from '../artifacts/run-results';

export type SyncDecision = { sync: true } | { sync: false; reason: string };

// A warning is still a pass in dbt's own gating (`dbt build` does not skip children on warn).
const PASSING_TESTS = new Set(['pass', 'warn']);
const LISTED = 5;

// The result of a source's model in one invocation: matched by unique_id, or by model name when
// the source names its model without the package (model.<package>.<name>[.v<n>]).
export function resultOf(
  model: string,
  results: ReadonlyMap<string, RunResult>,
): RunResult | undefined {
  const exact = results.get(model);
  if (exact || model.includes('.')) return exact;
  for (const r of results.values()) {
    const parts = r.uniqueId.split('.');
    if (parts[0] === 'model' && parts[2] === model) return r;
  }
  return undefined;
}

function describe(r: RunResult): string {
  const failures = r.failures ? `, ${r.failures} failing row(s)` : '';
  return `${r.uniqueId} (${r.status}${failures})`;
}

// Sync only when the model built successfully and every test of it that ran in the same
// invocation passed. Tests are known from the last `dbt import` (manifest attached_node).
export function decideSync(
  model: RunResult,
  tests: readonly string[],
  results: ReadonlyMap<string, RunResult>,
): SyncDecision {
  if (model.status !== 'success') {
    return { sync: false, reason: `dbt ${model.status}: ${model.message ?? 'no message'}` };
  }
  const failed = tests
    .map((t) => results.get(t))
    .filter((r): r is RunResult => !!r && !PASSING_TESTS.has(r.status));
  if (failed.length === 0) return { sync: true };
  const more = failed.length > LISTED ? ` and ${failed.length - LISTED} more` : '';
  return {
    sync: false,
    reason: `dbt tests did not pass: ${failed.slice(0, LISTED).map(describe).join(', ')}${more}`,
  };
}
