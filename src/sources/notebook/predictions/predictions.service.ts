import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { LOCK_BUSY, schemaLockKey, withDataSourceLock } from '../../../database/session-lock';
import type { TraitDef } from '../../../trait-definitions/trait-def';
import { TraitRegistry } from '../../../trait-definitions/trait-registry.service';
import type { TraitWriteRow, WriteResult } from '../../../traits/trait-write.types';
import { TraitWriter } from '../../../traits/trait-writer.service';
import type { OutputContract } from '../notebook-source';
import { OutputProblems } from './output-problems';
import type { PredictionSet } from './prediction-set';

export interface PredictionWrite {
  notebook: string;
  contract: OutputContract;
  set: PredictionSet;
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
  result: WriteResult | null;
}

const RECORDED = `
SELECT trait, content_sha256 FROM prediction_batch WHERE model_version = $1 AND run_id = $2 AND trait = ANY($3)`;
const PREVIOUS_ROWS = `SELECT rows FROM prediction_batch WHERE notebook = $1 ORDER BY created_at DESC LIMIT 1`;
const KNOWN_IDENTITIES = `SELECT value FROM identity WHERE type = $1 AND value = ANY($2::text[])`;
const RECORD = `
INSERT INTO prediction_batch (trait, model_version, run_id, notebook, origin, rows, content_sha256, traitbase_run_id)
SELECT t.trait, $2, $3, $4, $5, $6, t.sha, $7 FROM unnest($1::text[], $8::text[]) AS t(trait, sha)`;

// Writes a validated output through the one write path, all rows in one transaction, with
// notebook provenance; recognises an output already recorded under (trait, model version, run id).
@Injectable()
export class PredictionsService {
  private readonly logger = new Logger(PredictionsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly writer: TraitWriter,
    private readonly registry: TraitRegistry,
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

  async apply(w: PredictionWrite): Promise<PredictionOutcome> {
    const outcome = await withDataSourceLock(
      this.db,
      schemaLockKey(this.db, `predictions:${w.notebook}`),
      'wait',
      () => this.applyLocked(w),
    );
    if (outcome === LOCK_BUSY)
      throw new DomainError(ErrorCode.UNAVAILABLE, 'predictions: the source is busy');
    return outcome;
  }

  private async applyLocked(w: PredictionWrite): Promise<PredictionOutcome> {
    const { set, contract } = w;
    const traits = contract.traits.map((t) => t.name);
    const pending = await this.pendingTraits(w, traits);
    const outcome: PredictionOutcome = {
      runId: w.runId,
      modelVersion: set.modelVersion,
      rows: set.identities.length,
      written: pending.map((t) => traits[t]),
      duplicates: traits.filter((_, t) => !pending.includes(t)),
      skippedIdentities: 0,
      result: null,
    };
    if (pending.length === 0) return outcome;
    await this.checkRowCount(w);
    const keep = await this.knownFilter(w, outcome);
    const rows: TraitWriteRow[] = [];
    for (const t of pending) {
      set.identities.forEach((value, i) => {
        if (!keep || keep[i]) {
          rows.push({
            identity: { type: contract.identity.type, value },
            trait: traits[t],
            value: set.values[t][i],
            observedAt: set.scoredAt[i] ?? w.observedAt,
          });
        }
      });
    }
    outcome.result = await this.writer.write({
      rows,
      provenance: {
        sourceKind: 'notebook',
        sourceRef: {
          path: w.notebook,
          sha256: w.notebookSha256,
          modelVersion: set.modelVersion,
          origin: w.origin,
        },
        runId: w.runId,
      },
    });
    await this.db.query(RECORD, [
      pending.map((t) => traits[t]),
      set.modelVersion,
      w.runId,
      w.notebook,
      w.origin,
      set.identities.length,
      w.traitbaseRunId,
      pending.map((t) => set.contentSha256[t]),
    ]);
    this.logger.log(
      `notebook ${w.notebook} run=${w.runId}: ${rows.length} values, ${outcome.result.revisions} revisions, ` +
        `${outcome.result.rejected.length} rejected`,
    );
    return outcome;
  }

  // Indexes of the traits not yet recorded under this key; a different output under a used key is a conflict.
  private async pendingTraits(w: PredictionWrite, traits: string[]): Promise<number[]> {
    const recorded = await this.db.query<{ trait: string; content_sha256: string }[]>(RECORDED, [
      w.set.modelVersion,
      w.runId,
      traits,
    ]);
    const byTrait = new Map(recorded.map((r) => [r.trait, r.content_sha256]));
    const pending: number[] = [];
    traits.forEach((trait, t) => {
      const sha = byTrait.get(trait);
      if (sha === undefined) pending.push(t);
      else if (sha !== w.set.contentSha256[t]) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          `runId: ${w.runId} (model ${w.set.modelVersion}) was already recorded for ${trait} with different rows; use a new runId`,
        );
      }
    });
    return pending;
  }

  private async checkRowCount(w: PredictionWrite): Promise<void> {
    const ratio = w.contract.maxRowChange;
    if (ratio === null) return;
    const [prev] = await this.db.query<{ rows: number }[]>(PREVIOUS_ROWS, [w.notebook]);
    if (!prev) return;
    const rows = w.set.identities.length;
    const low = Math.ceil(prev.rows * (1 - ratio));
    const high = Math.floor(prev.rows * (1 + ratio));
    if (rows < low || rows > high) {
      const problems = new OutputProblems();
      problems.add(
        null,
        'rows',
        `${rows} rows is outside ${low}-${high}, the allowed change from the previous output (${prev.rows} rows); see max_change_ratio`,
      );
      throw problems.toError();
    }
  }

  // skip: a mask of rows whose identity is known; reject: fails on the first unknown; create: null.
  private async knownFilter(
    w: PredictionWrite,
    outcome: PredictionOutcome,
  ): Promise<boolean[] | null> {
    const mode = w.contract.unknownIdentities;
    if (mode === 'create') return null;
    const { identities } = w.set;
    const rows = await this.db.query<{ value: string }[]>(KNOWN_IDENTITIES, [
      w.contract.identity.type,
      identities,
    ]);
    const known = new Set(rows.map((r) => r.value));
    const mask = identities.map((v) => known.has(v));
    const unknown = mask.filter((k) => !k).length;
    if (unknown > 0 && mode === 'reject') {
      const problems = new OutputProblems();
      const first = mask.indexOf(false) + 1;
      problems.add(
        first,
        w.contract.identity.column,
        `${unknown} identities are unknown (unknown_identities: reject)`,
      );
      throw problems.toError();
    }
    outcome.skippedIdentities = unknown;
    return mask;
  }
}
