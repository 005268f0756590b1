import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, Repository } from 'typeorm';
import { toPublicError } from '../../common/errors/error-mapping';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { LOCK_BUSY, schemaLockKey, withDataSourceLock } from '../../database/session-lock';
import { RunTally } from '../../runs/run-tally';
import type { RunEntity } from '../../runs/run.entity';
import { RunsService } from '../../runs/runs.service';
import { missingRelationsAt } from '../warehouse/missing-relations';
import { ExecuteResult, NotebookExecutor } from './notebook-executor';
import { describeFailure, stripAnsi } from './notebook-failure';
import { readOnlyDsn, resolveNotebookPath } from './notebook-paths';
import { NotebookRunEntity } from './notebook-run.entity';
import type { NotebookSource } from './notebook-source';
import { NotebookSources } from './notebook-sources.service';
import { injectParameters, isNotebook, NotebookJson } from './parameters-cell';
import { readOutput } from './predictions/output-reader';
import { PredictionsService } from './predictions/predictions.service';

export interface RunTrigger {
  kind: 'schedule' | 'manual';
  jobId?: string;
}

const MAX_EXECUTED_NOTEBOOK = 5 * 1024 * 1024;
const RUN_ERROR_TAIL = 4096;

class RunFailure extends Error {}

// What the run row says: our own failures verbatim, domain errors with their per-row details,
// anything else as the public message with its errorId (the full error is logged under it).
function runError(err: unknown): string {
  if (err instanceof RunFailure) return err.message;
  const pub = toPublicError(err);
  const details = Object.entries(pub.details ?? {}).map(([k, v]) => `${k}: ${v}`);
  return [pub.errorId ? `${pub.message} (${pub.errorId})` : pub.message, ...details].join('\n');
}

interface Prepared {
  workdir: string;
  inputPath: string;
  outputPath: string;
  sha256: string;
  notebook: NotebookJson;
}

// One notebook run: copy the notebook with its parameters injected, execute it under a deadline,
// validate its output against the contract and write it atomically with notebook provenance.
// Runs of one notebook never overlap (a Postgres advisory lock; a busy tick is skipped).
@Injectable()
export class NotebookRunner {
  private readonly logger = new Logger(NotebookRunner.name);

  constructor(
    private readonly sources: NotebookSources,
    private readonly executor: NotebookExecutor,
    private readonly predictions: PredictionsService,
    private readonly runs: RunsService,
    @InjectRepository(NotebookRunEntity)
    private readonly notebookRuns: Repository<NotebookRunEntity>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(notebook: string, trigger: RunTrigger): Promise<RunEntity | null> {
    const source = await this.sources.get(notebook);
    if (!source) {
      this.logger.warn(`notebook ${notebook}: no active trait uses it any more, run dropped`);
      return null;
    }
    if (trigger.kind === 'schedule' && (await this.waiting(source))) return null;
    const run = await withDataSourceLock(
      this.db,
      schemaLockKey(this.db, `notebook-run:${notebook}`),
      'try',
      () => this.runLocked(source, trigger),
    );
    if (run !== LOCK_BUSY) return run;
    this.logger.warn(
      `notebook ${notebook}: previous run still in progress, tick ${trigger.jobId ?? '-'} skipped`,
    );
    return null;
  }

  // A scheduled tick while a relation the notebook waits for is missing: logged, no run.
  private async waiting(source: NotebookSource): Promise<boolean> {
    const missing = await missingRelationsAt(this.config.warehouseUrl, source.waitsFor).catch(
      () => [],
    );
    if (missing.length === 0) return false;
    this.logger.log(
      `notebook ${source.notebook}: scheduled run skipped, waiting for ${missing.join(', ')} to exist`,
    );
    return true;
  }

  private async runLocked(source: NotebookSource, trigger: RunTrigger): Promise<RunEntity> {
    const asOf = new Date();
    const run = await this.runs.start('notebook', source.notebook, {
      trigger: trigger.kind,
      jobId: trigger.jobId ?? null,
    });
    const workdir = await mkdtemp(join(tmpdir(), 'traitbase-notebook-'));
    let exec: ExecuteResult | undefined;
    try {
      const prepared = await this.prepare(source, run, asOf, workdir);
      exec = await this.executor.execute({
        python: this.config.notebookPython,
        inputPath: prepared.inputPath,
        workdir,
        timeoutMs: source.timeoutSeconds * 1000,
      });
      const executed = exec.ok ? await this.readExecuted(exec.executedPath) : null;
      await this.saveNotebookRun(run, source, prepared, exec, executed);
      if (!exec.ok) throw new RunFailure(this.failureMessage(source, prepared, exec));
      return await this.writeOutput(source, run, prepared, asOf);
    } catch (err) {
      return this.runs.finish(run, [], runError(err)); // logged there with its reason
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  }

  private async prepare(
    source: NotebookSource,
    run: RunEntity,
    asOf: Date,
    workdir: string,
  ): Promise<Prepared> {
    const confined = resolveNotebookPath(this.config, source.notebook);
    if (!confined.ok) throw new RunFailure(`notebook: ${confined.rule}`);
    const content = await readFile(confined.path).catch(() => {
      throw new RunFailure(`notebook: cannot read ${source.notebook}`);
    });
    const sha256 = createHash('sha256').update(content).digest('hex');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content.toString('utf8'));
    } catch {
      throw new RunFailure(`notebook: ${source.notebook} is not JSON`);
    }
    if (!isNotebook(parsed))
      throw new RunFailure(`notebook: ${source.notebook} is not an nbformat 4 notebook`);
    const outputPath = join(workdir, `output.${source.output.format}`);
    const notebook = injectParameters(parsed, {
      run_id: run.id,
      as_of: asOf.toISOString(),
      output_path: outputPath,
      database_dsn: readOnlyDsn(this.config.warehouseUrl),
      ...source.parameters,
    });
    const inputPath = join(workdir, 'input.ipynb');
    await writeFile(inputPath, JSON.stringify(notebook));
    run.metadata = { ...run.metadata, notebookSha256: sha256 };
    return { workdir, inputPath, outputPath, sha256, notebook };
  }

  private failureMessage(source: NotebookSource, prepared: Prepared, exec: ExecuteResult): string {
    const tail = stripAnsi(exec.stderrTail).slice(-RUN_ERROR_TAIL);
    if (exec.timedOut) {
      return `timed out after ${source.timeoutSeconds}s: the notebook's process groups were killed\n\n${tail}`;
    }
    if (exec.aborted) return `aborted: the worker shut down during the run\n\n${tail}`;
    const failure = describeFailure(exec.stderrTail, prepared.notebook);
    const where =
      failure.cell === null
        ? `nbconvert exited with code ${exec.exitCode}`
        : `cell ${failure.cell} failed`;
    return `${where}: ${failure.error}\n\n${tail}`;
  }

  private async readExecuted(path: string): Promise<string | null> {
    const info = await stat(path).catch(() => null);
    if (!info || info.size > MAX_EXECUTED_NOTEBOOK) return null;
    return readFile(path, 'utf8');
  }

  private async saveNotebookRun(
    run: RunEntity,
    source: NotebookSource,
    prepared: Prepared,
    exec: ExecuteResult,
    executed: string | null,
  ): Promise<void> {
    const failure = exec.ok ? null : describeFailure(exec.stderrTail, prepared.notebook);
    await this.notebookRuns.save(
      this.notebookRuns.create({
        runId: run.id,
        notebook: source.notebook,
        notebookSha256: prepared.sha256,
        exitCode: exec.exitCode,
        timedOut: exec.timedOut,
        failedCell: failure?.cell ?? null,
        errorTail: failure ? failure.tail : null,
        executedNotebook: executed,
        processGroups: exec.processGroups,
        durationMs: exec.durationMs,
      }),
    );
  }

  private async writeOutput(
    source: NotebookSource,
    run: RunEntity,
    prepared: Prepared,
    asOf: Date,
  ): Promise<RunEntity> {
    const exists = await stat(prepared.outputPath).catch(() => null);
    if (!exists) throw new RunFailure('output: the notebook wrote no file at output_path');
    const outcome = await this.predictions.record({
      notebook: source.notebook,
      contract: source.output,
      defs: await this.predictions.defsOf(source.output),
      feed: (builder) =>
        readOutput(createReadStream(prepared.outputPath), source.output.format, builder),
      runId: run.id,
      origin: 'schedule',
      traitbaseRunId: run.id,
      notebookSha256: prepared.sha256,
      observedAt: asOf,
    });
    run.metadata = {
      ...run.metadata,
      modelVersion: outcome.modelVersion,
      rows: outcome.rows,
      skippedIdentities: outcome.skippedIdentities,
    };
    return this.runs.complete(run, outcome.tally ?? new RunTally());
  }
}
