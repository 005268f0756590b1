import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { runsWorkers } from '../../queue/queue.module';
import { RunsService } from '../../runs/runs.service';
import { DestinationsService } from '../storage/destinations.service';
import { DeliveryLane } from './delivery-lane';

const REFRESH_MS = 2000;

// In the worker role: one delivery lane per active destination, restarted when its definition
// changes, stopped when it is archived.
@Injectable()
export class DeliveryWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorkers.name);
  private readonly lanes = new Map<string, DeliveryLane>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly destinations: DestinationsService,
    private readonly runs: RunsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    await this.refresh();
    this.timer = setInterval(
      () =>
        void this.refresh().catch((err: Error) => this.logger.warn(`refresh failed: ${err.name}`)),
      REFRESH_MS,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.lanes.values()].map((l) => l.stop()));
    this.lanes.clear();
  }

  wake(destinationIds: readonly string[]): void {
    for (const id of destinationIds) this.lanes.get(id)?.wake();
  }

  async refresh(): Promise<void> {
    const active = (await this.destinations.active()).filter((d) => d.spec.enabled !== false);
    const wanted = new Map(active.map((d) => [d.id, d]));
    for (const [id, lane] of this.lanes) {
      const d = wanted.get(id);
      if (d && d.updatedAt.getTime() === lane.version) continue;
      this.lanes.delete(id);
      await lane.stop();
    }
    for (const d of active) {
      if (this.lanes.has(d.id)) continue;
      const lane = new DeliveryLane(
        this.db,
        this.runs,
        this.logger,
        d.id,
        d.slug,
        d.spec,
        d.updatedAt.getTime(),
      );
      this.lanes.set(d.id, lane);
      lane.start();
    }
  }
}
