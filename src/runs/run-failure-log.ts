import type { Logger } from '@nestjs/common';

const MAX_REASON = 300;

// The log line of a failed run: which run, which source, and the first line of its reason, with
// quoted text masked — database and Python messages quote the offending value ("invalid input
// syntax for type integer: \"bob@…\""), and no personal data goes to the logs. The run row keeps
// the whole reason for those allowed to read it.
export function logRunFailure(
  logger: Logger,
  run: { id: string; sourceKind: string; source: string },
  reason: string,
): void {
  logger.warn(
    `${run.sourceKind} run ${run.id} of ${run.source} failed: ${maskQuoted(reason.split('\n')[0])}`,
  );
}

export function maskQuoted(line: string): string {
  const masked = line.replace(/"[^"]*"|'[^']*'|«[^»]*»/g, (q) => `${q[0]}…${q[q.length - 1]}`);
  return masked.length > MAX_REASON ? `${masked.slice(0, MAX_REASON)}…` : masked;
}
