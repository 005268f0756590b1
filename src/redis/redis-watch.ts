import { WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { RedisOutageLog } from './redis-outage-log';
import { REDIS } from './redis.token';

// Gives every BullMQ queue and worker of the app, and the shared client, an error listener that
// reports to one RedisOutageLog. Without one, BullMQ prints each connection error with its stack
// and ioredis an "Unhandled error event", many times a second while Redis is down.
@Injectable()
export class RedisWatch implements OnApplicationBootstrap {
  private readonly outage = new RedisOutageLog();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.redis.on('error', (err) => this.outage.error(err, 'client'));
    this.redis.on('ready', () => this.outage.ready());
    for (const { instance } of this.discovery.getProviders()) {
      if (instance instanceof Queue) {
        instance.on('error', (err) => this.outage.error(err, `queue ${instance.name}`));
      } else if (instance instanceof WorkerHost) {
        const worker = workerOf(instance as WorkerHost);
        worker?.on('error', (err) => this.outage.error(err, `worker ${worker.name}`));
      }
    }
  }
}

// A processor's worker exists once @nestjs/bullmq started it (not for a role without workers).
function workerOf(host: WorkerHost): WorkerHost['worker'] | undefined {
  try {
    return host.worker;
  } catch {
    return undefined;
  }
}
