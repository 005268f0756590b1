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
import { NotebookSchedules } from './notebook-schedules.service';
import { NotebookProcessor } from './notebook.processor';
import { SYNC_EVERY_MS } from './notebook.queue';

// In worker roles: bring the job schedulers in line with the definitions, then start consuming.
// Every worker re-syncs each minute, so definitions applied by another process take effect; the
// sync is idempotent and leaves unchanged schedulers alone.
@Injectable()
export class NotebookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotebookWorker.name);
  private stop: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly schedules: NotebookSchedules,
    private readonly processor: NotebookProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    this.stop = await startScheduledWorker({
      name: 'notebook',
      logger: this.logger,
      sync: () => this.schedules.sync(),
      worker: this.processor.worker,
      everyMs: SYNC_EVERY_MS,
    });
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }
}
