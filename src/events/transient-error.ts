// Errors worth retrying (the database or the network), as opposed to a message that cannot be
// applied. TypeORM answers a query on a runner whose connection died (killed, dropped) with
// QueryRunnerAlreadyReleasedError, which names no cause: it is the same lost connection.
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(08|40|53|57|58|XX)/.test(code)) return true;
  if (typeof code === 'string' && /^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NOTFOUND)/.test(code))
    return true;
  if (err instanceof Error && err.name === 'QueryRunnerAlreadyReleasedError') return true;
  const message = err instanceof Error ? err.message : String(err);
  return /connection|terminat|timeout|pool|query runner already released/i.test(message);
}
