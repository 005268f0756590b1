import { BullModule } from '@nestjs/bullmq';
import {
  Inject,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { IdentityModule } from '../../identity/identity.module';
import { runsWorkers } from '../../queue/queue.module';
import { RunnableSources } from '../../runs/runnable-sources';
import { RunsModule } from '../../runs/runs.module';
import { TraitDefinitionsModule } from '../../trait-definitions/trait-definitions.module';
import { TraitsModule } from '../../traits/traits.module';
import { DbtRunnable } from './dbt-runnable';
import { DbtSchedulerService } from './dbt-scheduler.service';
import { DbtSyncProcessor } from './dbt-sync.processor';
import { DBT_QUEUE } from './dbt.queue';
import { DBT_ENTITIES } from './entities';
import { DbtLineageResolver } from './graphql/dbt-lineage.resolver';
import { DbtSyncResolver } from './graphql/dbt-sync.resolver';
import { SourceLineageService } from './graphql/source-lineage.service';
import { TraitLastRunResolver } from './graphql/trait-last-run.resolver';
import { DbtImportService } from './import/dbt-import.service';
import { DbtRunsController } from './notify/dbt-runs.controller';
import { DbtTriggerService } from './notify/dbt-trigger.service';
import { DbtSourcesService } from './sources/dbt-sources.service';
import { DbtSyncService } from './sync/dbt-sync.service';
import { SyncStateService } from './sync/sync-state.service';
import { WarehouseService } from './warehouse/warehouse.service';

// Schedules are reconciled with the definitions this often (a `dbt import` or `defs apply` from
// another process shows up within a minute).
const RECONCILE_MS = 60_000;

@Module({
  imports: [
    TypeOrmModule.forFeature(DBT_ENTITIES),
    BullModule.registerQueue({ name: DBT_QUEUE }),
    TraitsModule,
    TraitDefinitionsModule,
    IdentityModule,
    RunsModule,
  ],
  controllers: [DbtRunsController],
  providers: [
    DbtSourcesService,
    DbtSchedulerService,
    DbtTriggerService,
    DbtImportService,
    DbtSyncService,
    DbtSyncProcessor,
    SyncStateService,
    WarehouseService,
    DbtSyncResolver,
    DbtRunnable,
    SourceLineageService,
    DbtLineageResolver,
    TraitLastRunResolver,
  ],
  exports: [DbtImportService, DbtTriggerService],
})
export class DbtModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DbtModule.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly processor: DbtSyncProcessor,
    private readonly scheduler: DbtSchedulerService,
    private readonly runnables: RunnableSources,
    private readonly runnable: DbtRunnable,
  ) {}

  onModuleInit(): void {
    this.runnables.register(this.runnable);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    void this.processor.worker.run();
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async reconcile(): Promise<void> {
    await this.scheduler
      .reconcile()
      .catch((err: Error) => this.logger.warn(`dbt schedules not reconciled: ${err.message}`));
  }
}
