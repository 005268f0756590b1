import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { LOCK_BUSY, schemaLockKey, withSessionLock } from '../../../database/session-lock';
import { RunTally } from '../../../runs/run-tally';
import { RunsService } from '../../../runs/runs.service';
import type { TraitDef } from '../../../trait-definitions/trait-def';
import { TraitRegistry } from '../../../trait-definitions/trait-registry.service';
import type { TraitWriteRow } from '../../../traits/trait-write.types';
import { MAX_BATCH_ROWS, TraitWriter } from '../../../traits/trait-writer.service';
import type { OutputContract } from '../notebook-source';
import { OutputProblems } from './output-problems';
import { PredictionSet, PredictionSetBuilder } from './prediction-set';
import { PredictionStage } from './prediction-stage';

export interface PredictionWrite {
  notebook: string;
  contract: OutputContract;
  defs: TraitDef[];
  // Feeds the output's rows into the builder (a file, a streamed upload, GraphQL rows).
  feed: (builder: PredictionSetBuilder) => Promise<void>;
  // Given by the caller (GraphQL argument, ?modelVersion=): rows must agree or omit it.
  modelVersion?: string;
  // The run id in provenance: the notebook run's id, or the caller's for a push.
  runId: string;
  origin: 'schedule' | 'push';
  traitbaseRunId: string;
  notebookSha256: string | null;
  // observedAt of rows without scored_at.
  observedAt: Date;
}

export interface PredictionOutcome {
  runId: string;
  modelVersion: string;
  rows: number;
  written: string[];
  duplicates: string[];
  skippedIdentities: number;
  // What the writes did (null: nothing to write, every trait already recorded).
  tally: RunTally | null;
}

const RECORDED = `
SELECT trait, content_sha256 FROM prediction_batch WHERE model_version = $1 AND run_id = $2 AND trait = ANY($3)`;
const PREVIOUS_ROWS = `SELECT rows FROM prediction_batch WHERE notebook = $1 ORDER BY created_at DESC LIMIT 1`;
const RECORD = `
INSERT INTO prediction_batch (trait, model_version, run_id, notebook, origin, rows, content_sha256, traitbase_run_id)
SELECT t.trait, $2, $3, $4, $5, $6, t.sha, $7 FROM unnest($1::text[], $8::text[]) AS t(trait, sha)`;

// Checks a whole output (streamed into a staging table), then writes it through the one write path
// in transactions of up to MAX_BATCH_ROWS values, with notebook provenance; recognises an output
// already recorded under (trait, model version, run id). Nothing is written unless every check
// passed; an output of up to MAX_BATCH_ROWS values is one transaction.
@Injectable()
export class PredictionsService {
  private readonly logger = new Logger(PredictionsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: TraitWriter,
    private readonly registry: TraitRegistry,
    private readonly runs: RunsService,
  ) {}

  // The definitions of a contract's traits, which must be active notebook traits. The source was
  // read from the database just now, so a registry that misses one is stale: reload once.
  async defsOf(contract: OutputContract): Promise<TraitDef[]> {
    const names = contract.traits.map((t) => t.name);
    let defs = await this.registry.getMany(names);
    if (names.some((n) => !defs.get(n))) {
      this.registry.invalidate();
      defs = await this.registry.getMany(names);
    }
    return contract.traits.map((t) => {
      const def = defs.get(t.name);
      if (!def || def.retired || def.sourceKind !== 'notebook') {
        throw new DomainError(
          ErrorCode.TRAIT_NOT_FOUND,
          `trait: ${t.name} is not an active notebook trait`,
        );
      }
      return def;
    });
  }

  async record(w: PredictionWrite): Promise<PredictionOutcome> {
    const stage = await PredictionStage.open(this.db, w.contract.traits.length);
    try {
      const builder = new PredictionSetBuilder(
        w.contract,
        { defs: w.defs, modelVersion: w.modelVersion, now: new Date() },
        stage,
      );
      await w.feed(builder);
      const set = await builder.finish();
      // Held on the stage's connection: a write needs one more connection, not two.
      const key = schemaLockKey(this.db, `predictions:${w.notebook}`);
      const outcome = await withSessionLock(stage.query, key, 'wait', () =>
        this.applyLocked(w, set, stage),
      );
      if (outcome === LOCK_BUSY)
        throw new DomainError(ErrorCode.UNAVAILABLE, 'predictions: the source is busy');
      return outcome;
    } finally {
      await stage.close();
    }
  }

  private async applyLocked(
    w: PredictionWrite,
    set: PredictionSet,
    stage: PredictionStage,
  ): Promise<PredictionOutcome> {
    const { contract } = w;
    const traits = contract.traits.map((t) => t.name);
    const pending = await this.pendingTraits(w, set, traits);
    const outcome: PredictionOutcome = {
      runId: w.runId,
      modelVersion: set.modelVersion,
      rows: set.rows,
      written: pending.map((t) => traits[t]),
      duplicates: traits.filter((_, t) => !pending.includes(t)),
      skippedIdentities: 0,
      tally: null,
    };
    if (pending.length === 0) return outcome;
    this.checkRowCount(w, set.rows, await this.previousRows(w.notebook));
    outcome.skippedIdentities = await this.checkUnknown(w, stage);
    const tally = new RunTally();
    const provenance = {
      sourceKind: 'notebook',
      sourceRef: {
        path: w.notebook,
        sha256: w.notebookSha256,
        modelVersion: set.modelVersion,
        origin: w.origin,
      },
      runId: w.runId,
    };
    const perBatch = Math.max(1, Math.floor(MAX_BATCH_ROWS / pending.length));
    const knownOnly = contract.unknownIdentities === 'skip' ? contract.identity.type : null;
    for await (const page of stage.pages(perBatch, knownOnly)) {
      const rows: TraitWriteRow[] = [];
      for (const r of page) {
        for (const t of pending) {
          rows.push({
            identity: { type: contract.identity.type, value: r.identity },
            trait: traits[t],
            value: r.values[t],
            observedAt: r.scoredAt ?? w.observedAt,
          });
        }
      }
      const result = await this.writer.write({ rows, provenance });
      tally.read += rows.length;
      tally.addWrite(result, rows);
      await this.runs.progress(w.traitbaseRunId, tally);
    }
    await this.db.query(RECORD, [
      pending.map((t) => traits[t]),
      set.modelVersion,
      w.runId,
      w.notebook,
      w.origin,
      set.rows,
      w.traitbaseRunId,
      pending.map((t) => set.contentSha256[t]),
    ]);
    outcome.tally = tally;
    this.logger.log(
      `notebook ${w.notebook} run=${w.runId}: ${tally.read} values, ${tally.changed} revisions, ` +
        `${tally.rejected} rejected`,
    );
    return outcome;
  }

  // Indexes of the traits not yet recorded under this key; a different output under a used key is a conflict.
  private async pendingTraits(
    w: PredictionWrite,
    set: PredictionSet,
    traits: string[],
  ): Promise<number[]> {
    const recorded = await this.db.query<{ trait: string; content_sha256: string }[]>(RECORDED, [
      set.modelVersion,
      w.runId,
      traits,
    ]);
    const byTrait = new Map(recorded.map((r) => [r.trait, r.content_sha256]));
    const pending: number[] = [];
    traits.forEach((trait, t) => {
      const sha = byTrait.get(trait);
      if (sha === undefined) pending.push(t);
      else if (sha !== set.contentSha256[t]) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          `runId: ${w.runId} (model ${set.modelVersion}) was already recorded for ${trait} with different rows; use a new runId`,
        );
      }
    });
    return pending;
  }

  private async previousRows(notebook: string): Promise<number | null> {
    const [prev] = await this.db.query<{ rows: number }[]>(PREVIOUS_ROWS, [notebook]);
    return prev ? prev.rows : null;
  }

  private checkRowCount(w: PredictionWrite, rows: number, prev: number | null): void {
    const ratio = w.contract.maxRowChange;
    if (ratio === null || prev === null) return;
    const low = Math.ceil(prev * (1 - ratio));
    const high = Math.floor(prev * (1 + ratio));
    if (rows < low || rows > high) {
      const problems = new OutputProblems();
      problems.add(
        null,
        'rows',
        `${rows} rows is outside ${low}-${high}, the allowed change from the previous output (${prev} rows); see max_change_ratio`,
      );
      throw problems.toError();
    }
  }

  // reject: fails when any identity is unknown; skip: how many rows will be left out; create: 0.
  private async checkUnknown(w: PredictionWrite, stage: PredictionStage): Promise<number> {
    const mode = w.contract.unknownIdentities;
    if (mode === 'create') return 0;
    const unknown = await stage.unknown(w.contract.identity.type);
    if (unknown.count > 0 && mode === 'reject') {
      const problems = new OutputProblems();
      problems.add(
        unknown.first,
        w.contract.identity.column,
        `${unknown.count} identities are unknown (unknown_identities: reject)`,
      );
      throw problems.toError();
    }
    return unknown.count;
  }
}
