import { WorkerHost } from '@nestjs/bullmq';
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
import { EVENT_SHARDS } from '../ingest/shard';
import { InboxSweeper } from './inbox-sweeper.service';
import { ShardSignaller } from './shard-signaller.service';

export const SHARD_PROCESSORS = Symbol('SHARD_PROCESSORS');
const SWEEP_EVERY_MS = 5000;
const MAINTAIN_EVERY_MS = 60 * 60 * 1000;

// In worker roles: create the coming event partitions, cap each shard queue at one job at a time
// across replicas, start the shard workers, then catch up on whatever the inbox holds (a previous
// process may have died between a commit and its signal) and keep sweeping.
@Injectable()
export class EventWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventWorkers.name);
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SHARD_PROCESSORS) private readonly processors: WorkerHost[],
    private readonly signaller: ShardSignaller,
    private readonly sweeper: InboxSweeper,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    await this.sweeper.ensurePartitions();
    for (let shard = 0; shard < EVENT_SHARDS; shard++)
      await this.signaller.queue(shard).setGlobalConcurrency(1);
    for (const processor of this.processors) {
      processor.worker
        .run()
        .catch((err: unknown) => this.logger.error('event worker stopped', err as Error));
    }
    this.signaller.signal(Array.from({ length: EVENT_SHARDS }, (_, shard) => shard));
    this.every(SWEEP_EVERY_MS, () => this.sweeper.sweep());
    this.every(MAINTAIN_EVERY_MS, () => this.sweeper.maintain());
    // The first retention pass runs soon after start, not before the workers (it may be long).
    const first = setTimeout(
      () =>
        void this.sweeper
          .maintain()
          .catch((err: unknown) => this.logger.warn(`maintenance failed: ${String(err)}`)),
      SWEEP_EVERY_MS,
    );
    first.unref();
    this.timers.push(first);
  }

  onApplicationShutdown(): void {
    this.timers.forEach(clearInterval);
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((err: unknown) =>
          this.logger.warn(
            `periodic task failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        )
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
