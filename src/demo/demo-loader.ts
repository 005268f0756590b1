import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import type { AppConfig } from '../config/configuration';
import type { DbtImportService } from '../sources/dbt/import/dbt-import.service';
import { DemoHttp } from './demo-http';
import { DemoKeys, demoKeys } from './demo-keys';
import { DemoWebhook, demoWebhook } from './demo-webhook';
import { buildStudio } from './studio';
import { dbtArtifacts, DEMO_MODEL } from './studio-dbt';
import { playerMessages, SegmentMessage } from './studio-events';
import { playerFeatures, playerStats } from './studio-tables';
import { StudioWarehouse } from './studio-warehouse';

export const DEMO_PLAYERS = 300;
export const DEMO_NOTEBOOK = 'notebooks/churn_propensity.ipynb';
export const DEMO_AUDIENCES = ['at_risk_spenders', 'store_abandoners'] as const;
// The shipped examples the demo fills; the server applies them from trait-definitions/ at start.
const NEEDED_TRAITS = [
  'lifetime_value',
  'churn_propensity',
  ...DEMO_AUDIENCES.map((a) => `audience:${a}`),
];
const BATCH = 500;
const NOTEBOOK_MODULES = 'nbconvert, ipykernel, pandas, sklearn, psycopg2';

export interface DemoContext {
  config: AppConfig;
  db: DataSource;
  http: DemoHttp;
  keys: ApiKeysService;
  dbtImport: DbtImportService;
  // Where the demo keeps its keys and dbt artifacts.
  dir: string;
  say: (line: string) => void;
  players?: number;
  // DEMO_WEBHOOK_URL: where the demo's webhook destination posts (none without it).
  webhookUrl?: string;
}

export interface DemoOutcome {
  keys: DemoKeys;
  keysCreated: string[];
  anchor: Date;
  players: number;
  events: { sent: number; stored: number };
  dbt: { invocationId: string; manifest: string; runResults: string; runId: string | null };
  notebook: { runId: string | null; skipped: string | null };
  audiences: { slug: string; size: number | null }[];
  webhook: DemoWebhook;
  changed: boolean;
  seconds: number;
}

const TRIGGER_RUN = `mutation($source: String!, $wait: Int!) {
  triggerRun(source: $source, waitSeconds: $wait) { finished run { id status error } }
}`;

async function count(db: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await db.query<{ n: string }[]>(sql, params))[0].n);
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline)
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `${what}: not done after ${timeoutMs / 1000}s`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function checkDefinitions(ctx: DemoContext): Promise<void> {
  const rows = await ctx.db.query<{ name: string }[]>(
    'SELECT name FROM trait_definition WHERE name = ANY($1) AND retired_at IS NULL',
    [NEEDED_TRAITS],
  );
  const missing = NEEDED_TRAITS.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length > 0) {
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `the database lacks the shipped example definitions (${missing.join(', ')}): start the ` +
        'server from the repository root so it applies trait-definitions/ (TRAIT_DEFINITIONS_DIR)',
    );
  }
}

async function sendEvents(ctx: DemoContext, key: string, messages: SegmentMessage[]) {
  const ids = messages.map((m) => m.messageId);
  const stored = () =>
    count(ctx.db, 'SELECT count(*) AS n FROM events WHERE message_id = ANY($1)', [ids]);
  if ((await stored()) === messages.length) return { sent: 0, stored: messages.length };
  const chunks: SegmentMessage[][] = [];
  for (let i = 0; i < messages.length; i += BATCH) chunks.push(messages.slice(i, i + BATCH));
  // Two requests in flight: the way a busy SDK fleet looks, without hogging a small machine.
  const lanes = [0, 1].map(async (lane) => {
    for (let i = lane; i < chunks.length; i += 2) {
      const answer = (await ctx.http.post('/v1/batch', key, { batch: chunks[i] })) as {
        accepted?: number;
        rejected?: { index: number; reasons: { pointer: string; rule: string }[] }[];
      };
      if (answer.rejected?.length) {
        const r = answer.rejected[0];
        throw new DomainError(
          ErrorCode.INVALID_INPUT,
          `POST /v1/batch rejected ${answer.rejected.length} message(s), e.g. ${r.reasons[0]?.pointer}: ${r.reasons[0]?.rule}`,
        );
      }
    }
  });
  await Promise.all(lanes);
  // Accepted means committed in the inbox; wait until the shard workers have applied them.
  await poll('event processing', 120_000, async () => {
    const failed = await count(
      ctx.db,
      `SELECT count(*) AS n FROM event_inbox WHERE failure IS NOT NULL AND message_id = ANY($1)`,
      [ids],
    );
    if (failed > 0)
      throw new DomainError(ErrorCode.INVALID_INPUT, `${failed} demo event(s) failed to apply`);
    return (await stored()) === messages.length ? true : null;
  });
  return { sent: messages.length, stored: messages.length };
}

interface RunRow {
  id: string;
  status: string;
  error: string | null;
}

async function syncDbt(ctx: DemoContext, adminKey: string, anchor: Date) {
  const artifacts = dbtArtifacts(anchor);
  const target = join(ctx.dir, 'dbt', 'target');
  await mkdir(target, { recursive: true });
  const manifest = join(target, 'manifest.json');
  const runResults = join(target, 'run_results.json');
  await writeFile(manifest, JSON.stringify(artifacts.manifest, null, 2));
  await writeFile(runResults, JSON.stringify(artifacts.runResults, null, 2));
  const files = { invocationId: artifacts.invocationId, manifest, runResults };
  const runOf = async (): Promise<RunRow | null> =>
    (
      await ctx.db.query<RunRow[]>(
        `SELECT id, status, error FROM run WHERE source_kind = 'dbt' AND source = $1
           AND metadata->>'invocationId' = $2 AND status <> 'running'
         ORDER BY started_at DESC LIMIT 1`,
        [DEMO_MODEL, artifacts.invocationId],
      )
    )[0] ?? null;
  const done = await runOf();
  if (done?.status === 'succeeded') return { ...files, runId: done.id, changed: false };

  // What a CI step after `dbt build` does: import the manifest, then post run_results.
  // A conflict with the YAML declaration of the model is refused here, naming both places.
  await ctx.dbtImport.import(artifacts.manifest);
  await ctx.http.post('/v1/dbt/runs', adminKey, artifacts.runResults);
  const run = await poll('the dbt sync', 120_000, async () => {
    const r = await runOf();
    return r && r.id !== done?.id ? r : null;
  });
  if (run.status !== 'succeeded')
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `dbt sync run ${run.id} ${run.status}: ${run.error}`,
    );
  return { ...files, runId: run.id, changed: true };
}

// The notebook needs Python with Jupyter and its libraries; without them it would only add a
// failed run, so the demo says what to install instead.
function notebookPythonProblem(python: string): string | null {
  const probe = spawnSync(python, ['-c', `import ${NOTEBOOK_MODULES}`], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  const why = (probe.stderr || probe.error?.message || '').trim().split('\n').at(-1);
  return `NOTEBOOK_PYTHON=${python} cannot import ${NOTEBOOK_MODULES} (${why}); on Debian/Ubuntu: apt-get install jupyter-nbconvert python3-ipykernel python3-pandas python3-sklearn python3-psycopg2`;
}

async function runNotebook(ctx: DemoContext, adminKey: string) {
  const done = (
    await ctx.db.query<RunRow[]>(
      `SELECT id, status, error FROM run WHERE source_kind = 'notebook' AND source = $1
         AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1`,
      [DEMO_NOTEBOOK],
    )
  )[0];
  if (done) return { runId: done.id, skipped: null, changed: false };
  const problem = notebookPythonProblem(ctx.config.notebookPython);
  if (problem) return { runId: null, skipped: problem, changed: false };
  const { triggerRun } = await ctx.http.graphql<{
    triggerRun: { finished: boolean; run: RunRow | null };
  }>(adminKey, TRIGGER_RUN, { source: 'churn_propensity', wait: 240 });
  if (!triggerRun.finished || !triggerRun.run)
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      'the churn notebook had not finished after 240s',
    );
  if (triggerRun.run.status !== 'succeeded') {
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `notebook run ${triggerRun.run.id} ${triggerRun.run.status}: ${triggerRun.run.error}`,
    );
  }
  return { runId: triggerRun.run.id, skipped: null, changed: true };
}

async function settleAudiences(ctx: DemoContext, adminKey: string, evaluate: boolean) {
  if (evaluate) {
    for (const slug of DEMO_AUDIENCES) {
      const { triggerRun } = await ctx.http.graphql<{
        triggerRun: { finished: boolean; run: RunRow | null };
      }>(adminKey, TRIGGER_RUN, { source: slug, wait: 60 });
      if (triggerRun.run && triggerRun.run.status !== 'succeeded') {
        throw new DomainError(
          ErrorCode.INVALID_INPUT,
          `audience ${slug} run ${triggerRun.run.id} ${triggerRun.run.status}: ${triggerRun.run.error}`,
        );
      }
    }
  }
  const { audiences } = await ctx.http.graphql<{
    audiences: { slug: string; size: number | null }[];
  }>(adminKey, '{ audiences { slug size } }');
  return DEMO_AUDIENCES.map((slug) => ({
    slug,
    size: audiences.find((a) => a.slug === slug)?.size ?? null,
  }));
}

// Loads the demo studio into the running server. Each step first checks whether its outcome is
// already there, so a second load sends, syncs and runs nothing.
export async function loadDemo(ctx: DemoContext): Promise<DemoOutcome> {
  const started = Date.now();
  const step = async <T>(label: string, work: () => Promise<T>, detail: (t: T) => string) => {
    const at = Date.now();
    const result = await work();
    ctx.say(`  ${label.padEnd(34)} ${detail(result)} (${((Date.now() - at) / 1000).toFixed(1)}s)`);
    return result;
  };
  if (!(await ctx.http.healthy())) {
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      `no healthy Traitbase answers at ${ctx.http.url}: start it with \`npm start\` (in another ` +
        'terminal) and run the demo again, or point TRAITBASE_URL at it',
    );
  }
  await checkDefinitions(ctx);
  const keyFile = join(ctx.dir, 'keys.json');
  const { keys, created } = await step(
    'API keys',
    () => demoKeys(keyFile, ctx.keys),
    (k) => (k.created.length ? `created ${k.created.join(', ')}` : 'reused'),
  );
  const warehouse = await StudioWarehouse.open(ctx.config.warehouseUrl);
  try {
    const { anchor } = await warehouse.anchor(new Date());
    const players = buildStudio({ players: ctx.players ?? DEMO_PLAYERS, anchor });
    const messages = players.flatMap(playerMessages);
    const events = await step(
      'events (POST /v1/batch)',
      () => sendEvents(ctx, keys.game, messages),
      (e) => (e.sent ? `${e.sent} sent and applied` : `${e.stored} already stored, none sent`),
    );
    const tables = await step(
      'warehouse tables (analytics.*)',
      async () =>
        (await warehouse.fillPlayerStats(playerStats(players, anchor))) +
        (await warehouse.fillPlayerFeatures(playerFeatures(players, anchor))),
      (n) => `${n} row(s) inserted`,
    );
    const dbt = await step(
      'dbt import + run_results',
      () => syncDbt(ctx, keys.admin, anchor),
      (d) => (d.changed ? `synced in run ${d.runId}` : `already synced (run ${d.runId})`),
    );
    const notebook = await step(
      'churn notebook',
      () => runNotebook(ctx, keys.admin),
      (n) =>
        n.skipped
          ? 'skipped'
          : n.changed
            ? `ran in run ${n.runId}`
            : `already ran (run ${n.runId})`,
    );
    if (notebook.skipped) ctx.say(`    ${notebook.skipped}`);
    const changed = events.sent > 0 || tables > 0 || dbt.changed || notebook.changed;
    const audiences = await step(
      'audiences',
      () => settleAudiences(ctx, keys.admin, changed),
      (a) => a.map((x) => `${x.slug}: ${x.size ?? '?'}`).join(', '),
    );
    const webhook = await step(
      'webhook destination',
      () => demoWebhook(ctx, keys.admin, ctx.webhookUrl, poll),
      (w) =>
        w.skipped
          ? 'none (DEMO_WEBHOOK_URL is not set)'
          : `${w.destination}: ${w.delivered} record(s) delivered${w.changed ? '' : ', none sent now'}`,
    );
    return {
      keys,
      keysCreated: created,
      anchor,
      players: players.length,
      events,
      dbt: {
        invocationId: dbt.invocationId,
        manifest: dbt.manifest,
        runResults: dbt.runResults,
        runId: dbt.runId,
      },
      notebook: { runId: notebook.runId, skipped: notebook.skipped },
      audiences,
      webhook,
      changed: changed || webhook.changed,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await warehouse.close();
  }
}
