import { BullModule } from '@nestjs/bullmq';
import { Inject, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { FeedModule } from '../feed/feed.module';
import { IdentityModule } from '../identity/identity.module';
import { runsWorkers } from '../queue/queue.module';
import { startScheduledWorker } from '../queue/scheduled-worker';
import { ErasureController } from './erasure.controller';
import { ErasureProcessor } from './erasure.processor';
import { ERASURE_QUEUE } from './erasure.queue';
import { ErasureResolver } from './erasure.resolver';
import { ErasureService } from './erasure.service';

// Unfinished requests whose job was lost are queued again this often (and when a worker starts).
const SWEEP_MS = 60_000;

@Module({
  imports: [IdentityModule, FeedModule, BullModule.registerQueue({ name: ERASURE_QUEUE })],
  controllers: [ErasureController],
  providers: [ErasureService, ErasureResolver, ErasureProcessor],
})
export class ErasureModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ErasureModule.name);
  private stop: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly processor: ErasureProcessor,
    private readonly erasure: ErasureService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    this.stop = await startScheduledWorker({
      name: 'erasure',
      logger: this.logger,
      sync: () =>
        this.erasure
          .sweep()
          .catch((err: Error) => this.logger.warn(`erasure sweep failed: ${err.name}`)),
      worker: this.processor.worker,
      everyMs: SWEEP_MS,
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
