import { BullModule } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunnableSources } from '../../runs/runnable-sources';
import { RunsModule } from '../../runs/runs.module';
import { TraitDefinitionsModule } from '../../trait-definitions/trait-definitions.module';
import { TraitsModule } from '../../traits/traits.module';
import { NotebookLineageResolver } from './lineage/notebook-lineage.resolver';
import { NotebookLineageService } from './lineage/notebook-lineage.service';
import { NotebookExecutor } from './notebook-executor';
import { NotebookRunEntity } from './notebook-run.entity';
import { NotebookRunnable } from './notebook-runnable';
import { NotebookRunner } from './notebook-runner.service';
import { NotebookRunsResolver } from './notebook-runs.resolver';
import { NotebookSchedules } from './notebook-schedules.service';
import { NotebookSources } from './notebook-sources.service';
import { NotebookWorker } from './notebook-worker';
import { NotebookProcessor } from './notebook.processor';
import { NOTEBOOK_QUEUE } from './notebook.queue';
import { PredictionBatchEntity } from './predictions/prediction-batch.entity';
import { PredictionPushes } from './predictions/prediction-pushes.service';
import { PredictionsController } from './predictions/predictions.controller';
import { PredictionsResolver } from './predictions/predictions.resolver';
import { PredictionsService } from './predictions/predictions.service';
import { UploadBodyParser } from './predictions/upload-body';

// Notebook sources: scheduled runs (BullMQ job schedulers → NotebookRunner) and the push API
// (recordPredictions, POST /v1/predictions); both write through PredictionsService.
@Module({
  imports: [
    TypeOrmModule.forFeature([NotebookRunEntity, PredictionBatchEntity]),
    BullModule.registerQueue({ name: NOTEBOOK_QUEUE }),
    TraitDefinitionsModule,
    TraitsModule,
    RunsModule,
  ],
  controllers: [PredictionsController],
  providers: [
    NotebookSources,
    NotebookExecutor,
    NotebookRunner,
    NotebookSchedules,
    NotebookProcessor,
    NotebookWorker,
    NotebookRunsResolver,
    NotebookRunnable,
    PredictionsService,
    PredictionPushes,
    PredictionsResolver,
    UploadBodyParser,
    NotebookLineageService,
    NotebookLineageResolver,
  ],
  exports: [NotebookSchedules, NotebookRunner],
})
export class NotebookModule implements OnModuleInit {
  constructor(
    private readonly runnables: RunnableSources,
    private readonly runnable: NotebookRunnable,
  ) {}

  onModuleInit(): void {
    this.runnables.register(this.runnable);
  }
}
