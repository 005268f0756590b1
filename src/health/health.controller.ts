import { Controller, Get, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../redis/redis.module';

type Check = { status: 'up' | 'down'; error?: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : 'failed' };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  // Readiness: 503 when Postgres or Redis does not answer.
  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const [postgres, redis] = await Promise.all([check(() => this.db.query('SELECT 1')), check(() => this.redis.ping())]);
    const ok = postgres.status === 'up' && redis.status === 'up';
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'error', checks: { postgres, redis } });
  }

  // Liveness: no dependencies.
  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}
