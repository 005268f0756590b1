import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { runsWorkers } from '../../queue/queue.module';
import { AudienceEvaluationProcessor } from './audience-evaluation.processor';
import { AudienceEvaluations } from './audience-evaluations.service';
import { SCHEDULE_SYNC_MS } from './audiences.queue';

// In worker roles: keep the schedules in line with the audiences (every minute, so saves made
// through another process take effect), then start the full-evaluation worker.
@Injectable()
export class AudienceWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AudienceWorker.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly evaluations: AudienceEvaluations,
    private readonly processor: AudienceEvaluationProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    await this.evaluations.syncSchedules();
    this.timer = setInterval(() => {
      this.evaluations
        .syncSchedules()
        .catch((err: Error) => this.logger.error(`audience schedule sync failed: ${err.name}`));
    }, SCHEDULE_SYNC_MS);
    this.processor.worker
      .run()
      .catch((err: Error) => this.logger.error(`audience worker stopped: ${err.name}`));
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
