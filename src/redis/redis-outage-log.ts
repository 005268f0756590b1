import { Logger } from '@nestjs/common';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES =
  /Connection is closed|Stream isn't writeable|MaxRetriesPerRequest|connect ETIMEDOUT/;
// Another Redis error with the same message is logged again only after this long.
const REPEAT_MS = 60_000;

export function isConnectionError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  return CONNECTION_CODES.has(code ?? '') || CONNECTION_MESSAGES.test(message ?? '');
}

// Every Redis client of the process (BullMQ queues and workers, the shared client) reports here,
// so an outage is one line when it starts and one when it ends — not a stack dump per client per
// retry. Other errors are logged by message, each at most once a minute.
export class RedisOutageLog {
  private downSince: number | null = null;
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly logger = new Logger('Redis')) {}

  error(err: unknown, client: string): void {
    if (isConnectionError(err)) {
      if (this.downSince !== null) return;
      this.downSince = Date.now();
      const reason = (err as Error).message ?? String(err);
      this.logger.error(
        `unreachable (${reason}; first seen by ${client}): queues, workers and caches wait, retrying`,
      );
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    const last = this.lastSeen.get(message);
    if (last !== undefined && Date.now() - last < REPEAT_MS) return;
    this.lastSeen.set(message, Date.now());
    this.logger.error(`${client}: ${message}`);
  }

  ready(): void {
    if (this.downSince === null) return;
    const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
    this.downSince = null;
    this.logger.log(`reachable again after ${seconds}s`);
  }
}
