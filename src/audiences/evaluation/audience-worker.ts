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
import { startScheduledWorker } from '../../queue/scheduled-worker';
import { AudienceEvaluationProcessor } from './audience-evaluation.processor';
import { AudienceEvaluations } from './audience-evaluations.service';
import { SCHEDULE_SYNC_MS } from './audiences.queue';

// In worker roles: keep the schedules in line with the audiences (every minute, so saves made
// through another process take effect), then start the full-evaluation worker.
@Injectable()
export class AudienceWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AudienceWorker.name);
  private stop: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly evaluations: AudienceEvaluations,
    private readonly processor: AudienceEvaluationProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    this.stop = await startScheduledWorker({
      name: 'audience',
      logger: this.logger,
      sync: () => this.evaluations.syncSchedules(),
      worker: this.processor.worker,
      everyMs: SCHEDULE_SYNC_MS,
    });
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
