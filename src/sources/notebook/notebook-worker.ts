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
import { NotebookSchedules } from './notebook-schedules.service';
import { NotebookProcessor } from './notebook.processor';
import { SYNC_EVERY_MS } from './notebook.queue';

// In worker roles: bring the job schedulers in line with the definitions, then start consuming.
// Every worker re-syncs each minute, so definitions applied by another process take effect; the
// sync is idempotent and leaves unchanged schedulers alone.
@Injectable()
export class NotebookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotebookWorker.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly schedules: NotebookSchedules,
    private readonly processor: NotebookProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    await this.schedules.sync();
    this.timer = setInterval(() => {
      this.schedules
        .sync()
        .catch((err: unknown) => this.logger.error('notebook schedule sync failed', err as Error));
    }, SYNC_EVERY_MS);
    this.processor.worker
      .run()
      .catch((err: unknown) => this.logger.error('notebook worker stopped', err as Error));
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
