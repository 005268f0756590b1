import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RateLimitedError } from '../common/errors/domain-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { ApiKeysService } from './api-keys.service';
import { DEFAULT_ADDRESS_LIMIT, RateLimit } from './rate-limit';
import { RateLimiter } from './rate-limiter.service';
import type { Principal } from './scopes';

// Addresses refused at once are forgotten when their window ends; past this many, expired entries
// are swept on the next refusal.
const SWEEP_AT = 10_000;

// Requests that cannot be counted against a key — no key, an unknown or revoked one, a body that
// cannot be read — are counted per client address (ADDRESS_LIMIT). An address over its limit is
// refused with 429 for the rest of its window, whatever key it sends, before its key is looked up
// or its body read: a flood of guessed keys neither reaches the database nor evicts real keys from
// the lookup cache (docs/security.md#rate-limits). Counters are shared through Redis; each process
// remembers the addresses it has seen go over, so refusing costs no round trip.
@Injectable()
export class AddressLimiter {
  private readonly limit: RateLimit | null;
  // Address → when its refusal ends (ms since the epoch).
  private readonly refusedUntil = new Map<string, number>();

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limit = config.addressLimit === undefined ? DEFAULT_ADDRESS_LIMIT : config.addressLimit;
  }

  // The key's principal; null when there is no key or it is unknown or revoked, which counts
  // against the address. Throws RateLimitedError when the address is over its limit.
  async authenticate(token: string | undefined, address: string): Promise<Principal | null> {
    this.check(address);
    const principal = token ? await this.apiKeys.authenticate(token) : null;
    if (!principal) await this.failed(address);
    return principal;
  }

  // Throws RateLimitedError while the address is refused.
  check(address: string): void {
    const until = this.refusedUntil.get(address);
    if (until === undefined) return;
    const left = until - Date.now();
    if (left <= 0) {
      this.refusedUntil.delete(address);
      return;
    }
    throw new RateLimitedError(Math.ceil(left / 1000), this.message(Math.ceil(left / 1000)));
  }

  // Counts one failed request of the address; throws RateLimitedError when that takes it over.
  async failed(address: string): Promise<void> {
    const limit = this.limit;
    if (!limit) return;
    const id = `addr:${createHash('sha256').update(address).digest('base64url').slice(0, 22)}`;
    try {
      await this.limiter.take(
        { id, label: 'an address', refusal: (_, retryAfter) => this.message(retryAfter) },
        limit,
      );
    } catch (err) {
      if (err instanceof RateLimitedError) this.refuse(address, err.retryAfterSeconds);
      throw err;
    }
  }

  private refuse(address: string, seconds: number): void {
    if (this.refusedUntil.size >= SWEEP_AT) {
      const now = Date.now();
      for (const [a, until] of this.refusedUntil) if (until <= now) this.refusedUntil.delete(a);
    }
    this.refusedUntil.set(address, Date.now() + seconds * 1000);
  }

  private message(retryAfter: number): string {
    const limit = this.limit ?? DEFAULT_ADDRESS_LIMIT;
    return (
      `too many requests from this address without a valid key or with an unreadable body ` +
      `(limit ${limit.requests} per ${limit.windowSeconds}s); retry after ${retryAfter}s`
    );
  }
}
