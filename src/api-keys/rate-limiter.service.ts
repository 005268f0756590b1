import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimitedError } from '../common/errors/domain-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { REDIS } from '../redis/redis.token';
import { DEFAULT_RATE_LIMIT, formatRateLimit, RateLimit } from './rate-limit';
import type { Principal } from './scopes';

// One counter per key (or per client address, see AddressLimiter) and window length, shared by
// every process through Redis. The window starts at the counter's first request and lasts
// windowSeconds (a fixed window: across its end a client may get up to twice its limit in a short
// span). Refused requests count too but never extend it. ARGV[2] requests are counted at once:
// those of one counter that arrived in the same turn of the event loop, numbered in arrival order,
// so each is admitted or refused exactly as if counted alone.
const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

// The script is sent once per connection (ioredis's defineCommand: EVALSHA, EVAL when Redis does
// not have it yet), not with every count.
const HIT_COMMAND = 'traitbaseRateHit';
type HitCommand = (key: string, windowMs: number, requests: number) => Promise<[number, number]>;

// Whose counter it is, for the refusal's message and the one log line per window.
export interface Counted {
  // In the Redis key: a key id, or a hash (never a raw address).
  id: string;
  // For the log, without personal data: "key <id>", "an address".
  label: string;
  // The refusal's message.
  refusal(limit: RateLimit, retryAfterSeconds: number): string;
}

interface Batch {
  counted: Counted;
  limit: RateLimit;
  waiting: { resolve: () => void; reject: (err: Error) => void }[];
}

@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly defaultLimit: RateLimit | null;
  private readonly prefix: string;
  private failingOpen = false;
  // Requests waiting for this turn's count, per counter.
  private readonly batches = new Map<string, Batch>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.defaultLimit = config.rateLimit === undefined ? DEFAULT_RATE_LIMIT : config.rateLimit;
    this.prefix = `traitbase:${config.databaseSchema}:rate`;
    if (!(HIT_COMMAND in redis)) redis.defineCommand(HIT_COMMAND, { numberOfKeys: 1, lua: HIT });
  }

  // The key's own limit, else RATE_LIMIT; null: not limited.
  limitOf(principal: Principal): RateLimit | null {
    return principal.rateLimit ?? this.defaultLimit;
  }

  // Counts one request of the key; throws RateLimitedError when it is over its limit. Requests of
  // one key arriving in the same turn of the event loop share one Redis round trip.
  admit(principal: Principal): Promise<void> {
    const limit = this.limitOf(principal);
    if (!limit) return Promise.resolve();
    return this.take(
      { id: `key:${principal.keyId}`, label: `key ${principal.keyId}`, refusal: keyRefusal },
      limit,
    );
  }

  // Counts one request against `counted`'s counter; rejects with RateLimitedError once it is over
  // `limit`.
  take(counted: Counted, limit: RateLimit): Promise<void> {
    const key = `${this.prefix}:${counted.id}:${limit.windowSeconds}`;
    let batch = this.batches.get(key);
    if (!batch) {
      const created: Batch = { counted, limit, waiting: [] };
      this.batches.set(key, (batch = created));
      setImmediate(() => void this.count(key, created));
    }
    const waiting = batch.waiting;
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  }

  private async count(key: string, batch: Batch): Promise<void> {
    this.batches.delete(key);
    const { counted, limit, waiting } = batch;
    const hit = await this.hit(key, limit.windowSeconds * 1000, waiting.length);
    // The requests of this batch are numbers first … hit.count of the window, in arrival order.
    const first = hit ? hit.count - waiting.length + 1 : 0;
    const retryAfter = hit ? Math.max(1, Math.ceil(hit.ttlMs / 1000)) : 0;
    waiting.forEach((w, i) => {
      const n = first + i;
      if (!hit || n <= limit.requests) return w.resolve();
      if (n === limit.requests + 1) {
        this.logger.warn(
          `${counted.label} reached its limit of ${formatRateLimit(limit)}; refused for ${retryAfter}s`,
        );
      }
      w.reject(new RateLimitedError(retryAfter, counted.refusal(limit, retryAfter)));
    });
  }

  // Fails open: without Redis, requests are admitted uncounted rather than refused, with one warning
  // per outage (the Redis client itself logs the outage).
  private async hit(
    key: string,
    windowMs: number,
    requests: number,
  ): Promise<{ count: number; ttlMs: number } | null> {
    if (this.redis.status !== 'ready') return this.failOpen();
    try {
      const hit = (this.redis as unknown as Record<typeof HIT_COMMAND, HitCommand>)[HIT_COMMAND];
      const [count, ttlMs] = await hit.call(this.redis, key, windowMs, requests);
      if (this.failingOpen) {
        this.failingOpen = false;
        this.logger.log('counting requests against rate limits again');
      }
      return { count, ttlMs };
    } catch {
      return this.failOpen();
    }
  }

  private failOpen(): null {
    if (!this.failingOpen) {
      this.failingOpen = true;
      this.logger.warn(
        'Redis unavailable: requests are admitted without rate limiting until it is back',
      );
    }
    return null;
  }
}

function keyRefusal(limit: RateLimit, retryAfter: number): string {
  return `rate limit of ${limit.requests} requests per ${limit.windowSeconds}s exceeded for this key; retry after ${retryAfter}s`;
}
