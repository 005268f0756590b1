import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { runsWorkers } from '../queue/queue.module';
import { ConsumerRunner } from './consumer-runner';
import type { DurableConsumer } from './durable-consumer';
import { FeedListener } from './feed-listener.service';

// The durable consumers of the change feed in this process. Modules register theirs when they
// initialise; they run in the worker role, woken by every announced batch and by a poll.
@Injectable()
export class FeedConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly runners = new Map<string, ConsumerRunner>();
  private started = false;
  private unlisten: (() => void) | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly listener: FeedListener,
  ) {}

  // Resolves once the consumer knows where it starts reading (a new one: the horizon at that
  // moment), so a change committed after that is the consumer's; a consumer registered before the
  // process starts its consumers (a module's init) starts with them, and this resolves at once.
  register(consumer: DurableConsumer): Promise<void> {
    if (this.runners.has(consumer.name)) {
      throw new Error(`feed consumer ${consumer.name} is registered twice`);
    }
    const runner = new ConsumerRunner(this.db, this.config.databaseSchema, consumer);
    this.runners.set(consumer.name, runner);
    return this.started ? runner.start() : Promise.resolve();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!runsWorkers(this.config)) return;
    this.started = true;
    this.unlisten = this.listener.listen({
      batch: (b) => this.runners.forEach((r) => r.wake(b.xid)),
      gap: () => this.runners.forEach((r) => r.wake()),
    });
    await Promise.all([...this.runners.values()].map((r) => r.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unlisten?.();
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }

  // Handles everything committed so far (used by `traitbase run` and tests).
  async drain(name: string): Promise<void> {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`no feed consumer named ${name}`);
    await runner.drain();
  }
}
