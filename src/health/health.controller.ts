import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { keyFromAuthorization } from '../api-keys/credentials';
import { Public } from '../api-keys/public.decorator';
import { hasScope } from '../api-keys/scopes';
import { REDIS } from '../redis/redis.module';

type Check = { status: 'up' | 'down'; error?: string };

async function check(probe: () => Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 2000);
      }),
    ]);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : 'failed' };
  } finally {
    // A probe that answered leaves no timer behind to hold the process open.
    clearTimeout(timer);
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly apiKeys: ApiKeysService,
  ) {}

  // Readiness: 503 when Postgres or Redis does not answer. Anyone sees up/down per dependency;
  // the reason (a driver's error message) only an admin key sees.
  @Get()
  @Public()
  async health(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const [postgres, redis] = await Promise.all([
      check(() => this.db.query('SELECT 1')),
      check(() => this.redis.ping()),
    ]);
    const ok = postgres.status === 'up' && redis.status === 'up';
    const detailed = await this.isAdmin(req);
    const shown = (c: Check): Check => (detailed ? c : { status: c.status });
    await reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'error',
      checks: { postgres: shown(postgres), redis: shown(redis) },
    });
  }

  // Liveness: no dependencies.
  @Get('live')
  @Public()
  live(): { status: string } {
    return { status: 'ok' };
  }

  private async isAdmin(req: FastifyRequest): Promise<boolean> {
    const token = keyFromAuthorization(req.headers.authorization);
    if (!token) return false;
    const principal = await this.apiKeys.authenticate(token).catch(() => null);
    return !!principal && hasScope(principal, 'admin');
  }
}
