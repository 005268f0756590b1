import { readFile } from 'node:fs/promises';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { waitForRun } from '../runs/run-waiter';
import { DBT_SOURCE_KIND } from '../sources/dbt/dbt.queue';
import { planSummary } from '../trait-definitions/trait-definitions.service';
import { parseArgs, UsageError } from './cli-args';
import { openDatabase } from './cli-database';
import { io } from './cli-io';
import { notifyOverHttp } from './dbt-http';
import { dbtImportService, dbtTrigger } from './dbt-services';
import { formatPlan } from './plan-format';

export const DBT_USAGE = `dbt
  dbt import <manifest.json> [--dry-run] [--json]
                               register traits from models whose meta carries traitbase
  dbt notify <run_results.json> [--url <server> --key <admin key>] [--json]
                               sync the models a dbt invocation built (tests passed); with --url
                               (or TRAITBASE_URL + TRAITBASE_API_KEY) through POST /v1/dbt/runs
  dbt sync <model> [--full-refresh] [--wait]
                               queue a sync now; --wait prints the run when it finishes`;

async function readJson(path: string | undefined, what: string): Promise<unknown> {
  if (!path) throw new UsageError(`dbt needs the path of ${what}`);
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new DomainError(ErrorCode.INVALID_INPUT, `${path}: ${err.message}`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError(ErrorCode.INVALID_INPUT, `${path}: not JSON`);
  }
}

export async function dbtImport(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 1, flags: ['dry-run', 'json'] });
  const manifest = await readJson(args.positionals[0], 'a manifest.json');
  const db = await openDatabase();
  try {
    const outcome = await dbtImportService(db.dataSource).import(
      manifest,
      args.flags.has('dry-run'),
    );
    if (args.flags.has('json')) io.out(JSON.stringify(outcome, null, 2));
    else {
      io.out(
        `${args.flags.has('dry-run') ? 'Plan' : 'Imported'} dbt manifest v${outcome.schemaVersion} (dbt ${outcome.dbtVersion ?? '?'}), ${outcome.models.length} model(s) with traits:`,
      );
      io.out(formatPlan(outcome.plan));
    }
    io.err(planSummary(outcome.plan));
    return outcome.plan.conflicts.length > 0 ? 1 : 0;
  } finally {
    await db.close();
  }
}

export async function dbtNotify(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 1, values: ['url', 'key'], flags: ['json'] });
  const runResults = await readJson(args.positionals[0], 'a run_results.json');
  const url = args.values.get('url')?.[0] ?? process.env.TRAITBASE_URL;
  let outcome;
  if (url) {
    const key = args.values.get('key')?.[0] ?? process.env.TRAITBASE_API_KEY;
    if (!key) throw new UsageError('dbt notify --url needs --key (or TRAITBASE_API_KEY)');
    outcome = await notifyOverHttp(url, key, runResults);
  } else {
    const db = await openDatabase();
    const trigger = dbtTrigger(db.dataSource, db.config);
    try {
      outcome = await trigger.service.notify(runResults);
    } finally {
      await trigger.close();
      await db.close();
    }
  }
  if (args.flags.has('json')) io.out(JSON.stringify(outcome, null, 2));
  else {
    io.out(
      `dbt invocation ${outcome.invocationId}: ${outcome.queued.length} sync(s) queued, ${outcome.skipped.length} skipped`,
    );
    for (const q of outcome.queued) io.out(`  queued  ${q.source} (job ${q.jobId})`);
    for (const s of outcome.skipped) io.out(`  skipped ${s.source}: ${s.reason}`);
  }
  return 0;
}

export async function dbtSync(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 1, flags: ['full-refresh', 'wait'] });
  const model = args.positionals[0];
  if (!model) throw new UsageError('dbt sync needs the model (unique_id or name)');
  const db = await openDatabase();
  const trigger = dbtTrigger(db.dataSource, db.config);
  try {
    const queuedAt = new Date();
    const queued = await trigger.service.syncNow(model, args.flags.has('full-refresh'));
    io.err(`queued ${queued.source} (job ${queued.jobId})`);
    if (!args.flags.has('wait')) return 0;
    const { run } = await waitForRun(
      db.dataSource,
      { kind: DBT_SOURCE_KIND, ...queued, queuedAt },
      Number.POSITIVE_INFINITY,
    );
    io.out(JSON.stringify(run, null, 2));
    return run?.status === 'succeeded' ? 0 : 1;
  } finally {
    await trigger.close();
    await db.close();
  }
}
