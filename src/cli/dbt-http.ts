import { DomainError, ErrorCode } from '../common/errors/domain-error';
import type { NotifyOutcome } from '../sources/dbt/notify/dbt-trigger.service';

// Keeps what the server reads of each result: a large project's run_results (compiled SQL of
// every node) would not fit a request body otherwise.
function slim(runResults: unknown): unknown {
  const doc = (runResults ?? {}) as {
    metadata?: unknown;
    args?: { full_refresh?: unknown };
    results?: unknown;
  };
  const results = Array.isArray(doc.results)
    ? doc.results.map((r: Record<string, unknown>) => ({
        unique_id: r?.unique_id,
        status: r?.status,
        message: r?.message,
        failures: r?.failures,
      }))
    : doc.results;
  return { metadata: doc.metadata, args: { full_refresh: doc.args?.full_refresh }, results };
}

export async function notifyOverHttp(
  url: string,
  key: string,
  runResults: unknown,
): Promise<NotifyOutcome> {
  const res = await fetch(new URL('/v1/dbt/runs', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(slim(runResults)),
  });
  const body = (await res.json().catch(() => ({}))) as {
    error?: { message?: string; details?: Record<string, string> };
  };
  if (!res.ok) {
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `POST /v1/dbt/runs: ${res.status} ${body.error?.message ?? ''}`.trim(),
      body.error?.details,
    );
  }
  return body as NotifyOutcome;
}
