import { Injectable } from '@nestjs/common';
import type { Principal } from '../../../api-keys/scopes';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { toPublicError } from '../../../common/errors/error-mapping';
import { RunTally } from '../../../runs/run-tally';
import { RunsService } from '../../../runs/runs.service';
import { NotebookSource, OutputContract, restrictContract } from '../notebook-source';
import { NotebookSources } from '../notebook-sources.service';
import { PredictionSetBuilder } from './prediction-set';
import type { PredictionsResultModel } from './predictions-result.model';
import { PredictionsService } from './predictions.service';

export interface PushTarget {
  trait?: string;
  notebook?: string;
  runId: string;
  modelVersion?: string;
  notebookSha256?: string;
}

// Feeds the rows of a push into the builder (a streamed upload, or GraphQL rows).
export type RowFeed = (builder: PredictionSetBuilder, contract: OutputContract) => Promise<void>;

// Predictions from notebooks run elsewhere: the same contract, validation and provenance as a
// scheduled run, recorded as a run of the notebook source; idempotent by (trait, modelVersion, runId).
@Injectable()
export class PredictionPushes {
  constructor(
    private readonly sources: NotebookSources,
    private readonly predictions: PredictionsService,
    private readonly runs: RunsService,
  ) {}

  async push(
    target: PushTarget,
    principal: Principal,
    feed: RowFeed,
  ): Promise<PredictionsResultModel> {
    const source = await this.sourceOf(target);
    const contract = target.trait ? restrictContract(source.output, [target.trait]) : source.output;
    const defs = await this.predictions.defsOf(contract);
    const run = await this.runs.start('notebook', source.notebook, {
      trigger: 'push',
      runId: target.runId,
      keyId: principal.keyId,
      traits: contract.traits.map((t) => t.name),
    });
    try {
      const outcome = await this.predictions.record({
        notebook: source.notebook,
        contract,
        defs,
        feed: (builder) => feed(builder, contract),
        modelVersion: target.modelVersion,
        runId: target.runId,
        origin: 'push',
        traitbaseRunId: run.id,
        notebookSha256: target.notebookSha256 ?? null,
        observedAt: new Date(),
      });
      run.metadata = {
        ...run.metadata,
        modelVersion: outcome.modelVersion,
        rows: outcome.rows,
        alreadyRecorded: outcome.duplicates,
      };
      await this.runs.complete(run, outcome.tally ?? new RunTally());
      return {
        runId: outcome.runId,
        traitbaseRunId: run.id,
        modelVersion: outcome.modelVersion,
        rows: outcome.rows,
        revisions: outcome.tally?.changed ?? 0,
        unchanged: outcome.tally?.unchanged ?? 0,
        skippedIdentities: outcome.skippedIdentities,
        written: outcome.written,
        alreadyRecorded: outcome.duplicates,
        duplicate: outcome.written.length === 0,
      };
    } catch (err) {
      const pub = toPublicError(err);
      await this.runs.finish(
        run,
        [],
        pub.errorId ? `${pub.message} (${pub.errorId})` : pub.message,
      );
      throw err;
    }
  }

  private async sourceOf(target: PushTarget): Promise<NotebookSource> {
    if (!target.trait === !target.notebook) {
      throw new DomainError(ErrorCode.INVALID_INPUT, 'trait: give either trait or notebook');
    }
    return target.trait
      ? this.sources.ofTrait(target.trait)
      : this.sources.require(target.notebook!);
  }
}
