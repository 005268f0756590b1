import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { progressLine, RunRow, waitForRun } from '../runs/run-waiter';
import { DURATION_RULE, durationSeconds } from '../trait-definitions/rules/duration';
import { parseArgs, UsageError } from './cli-args';
import { openDatabase } from './cli-database';
import { io } from './cli-io';
import { runnableSources } from './run-services';

const DEFAULT_TIMEOUT = '30m';
const QUIET_PROGRESS_MS = 30_000;

export async function runSource(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, {
    maxPositionals: 1,
    values: ['timeout'],
    flags: ['wait', 'full-refresh', 'json'],
  });
  const ref = args.positionals[0];
  if (!ref) throw new UsageError('run needs a source or a trait name');
  const timeout = args.values.get('timeout')?.[0] ?? DEFAULT_TIMEOUT;
  const timeoutSeconds = durationSeconds(timeout);
  if (timeoutSeconds === null || timeoutSeconds <= 0)
    throw new UsageError(`--timeout ${timeout}: ${DURATION_RULE}`);

  const db = await openDatabase();
  const { runnables, close } = runnableSources(db.dataSource, db.config);
  try {
    const queued = await runnables.trigger(ref, { fullRefresh: args.flags.has('full-refresh') });
    io.err(`queued ${queued.kind} ${queued.source} (job ${queued.jobId})`);
    if (!args.flags.has('wait')) return 0;
    const show = progressShower(queued.kind, queued.source);
    const outcome = await waitForRun(db.dataSource, queued, timeoutSeconds * 1000, show.update);
    show.done();
    if (!outcome.finished) {
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `timeout: ${queued.kind} ${queued.source} had not finished after ${timeout}` +
          (outcome.run
            ? ` (run ${outcome.run.id} goes on; see runs(source: "${queued.source}"))`
            : ' (no worker took it: is the server running?)'),
      );
    }
    const run = outcome.run!;
    io.out(args.flags.has('json') ? JSON.stringify(run, null, 2) : summary(run));
    return run.status === 'succeeded' ? 0 : 1;
  } finally {
    await close();
    await db.close();
  }
}

// On a terminal one line rewritten in place; elsewhere a line when the state or counts move, or
// every 30 s while they do not, so CI logs stay short.
function progressShower(kind: string, source: string) {
  const tty = process.stderr.isTTY;
  let last = '';
  let lastAt = 0;
  return {
    update: (run: RunRow | null, elapsedMs: number) => {
      const line = progressLine(kind, source, run, elapsedMs);
      if (tty) return void process.stderr.write(`\r\x1b[K${line}`);
      const state = line.replace(/ \(\d+s\)$/, '');
      if (state === last && Date.now() - lastAt < QUIET_PROGRESS_MS) return;
      last = state;
      lastAt = Date.now();
      io.err(line);
    },
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

function summary(run: RunRow): string {
  const took = run.finished_at
    ? ` in ${((+run.finished_at - +run.started_at) / 1000).toFixed(1)}s`
    : '';
  const counts = `${run.rows_read} read, ${run.rows_changed} changed, ${run.rows_unchanged} unchanged, ${run.rows_rejected} rejected`;
  const head = `${run.source_kind} ${run.source}: ${run.status}${took} (run ${run.id}): ${counts}`;
  return run.error ? `${head}\n${run.error}` : head;
}
