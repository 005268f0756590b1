import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { dueForRefresh } from '../common/cache/refresh-ahead';
import { SingleFlight } from '../common/cache/single-flight';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { ApiKeyEntity } from './api-key.entity';
import type { RateLimit } from './rate-limit';
import { isScope, Principal, Scope } from './scopes';

// TRAITBASE_ADMIN_KEY, the bootstrap key that creates the first real keys.
const ADMIN_SCOPES: Scope[] = ['admin'];
const ADMIN_PRINCIPAL: Principal = Object.freeze({
  keyId: 'bootstrap-admin',
  name: 'TRAITBASE_ADMIN_KEY',
  scopes: ADMIN_SCOPES,
});
const KEY_PATTERN = /^tb_([a-z0-9]{10})_([A-Za-z0-9_-]{32,})$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export interface CreatedKey {
  id: string;
  name: string;
  scopes: Scope[];
  rateLimit: RateLimit | null;
  key: string;
}

export function rateLimitOf(row: ApiKeyEntity): RateLimit | null {
  return row.rateLimitRequests && row.rateLimitWindowSeconds
    ? { requests: row.rateLimitRequests, windowSeconds: row.rateLimitWindowSeconds }
    : null;
}

function rateLimitColumns(limit: RateLimit | null) {
  return {
    rateLimitRequests: limit?.requests ?? null,
    rateLimitWindowSeconds: limit?.windowSeconds ?? null,
  };
}

@Injectable()
export class ApiKeysService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  private readonly lookups = new SingleFlight<string, Principal | null>();
  // Bumped when keys change, so a lookup that began before the change is not cached.
  private generation = 0;
  private readonly adminHash: Buffer | undefined;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.adminHash = config.adminKey ? sha256(config.adminKey) : undefined;
  }

  // rateLimit: the key's own limit; null: RATE_LIMIT applies.
  async create(
    name: string,
    scopes: string[],
    rateLimit: RateLimit | null = null,
  ): Promise<CreatedKey> {
    const bad = scopes.filter((s) => !isScope(s));
    if (!name.trim()) throw new DomainError(ErrorCode.INVALID_INPUT, 'name: must not be empty');
    if (scopes.length === 0 || bad.length > 0) {
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `scopes: unknown or missing scope(s) ${bad.join(', ')}`.trim(),
      );
    }
    const prefix = randomBytes(8).toString('hex').slice(0, 10);
    const secret = randomBytes(24).toString('base64url');
    const saved = await this.keys.save(
      this.keys.create({
        name,
        prefix,
        secretHash: sha256(secret).toString('hex'),
        scopes,
        ...rateLimitColumns(rateLimit),
      }),
    );
    return {
      id: saved.id,
      name,
      scopes: scopes as Scope[],
      rateLimit,
      key: `tb_${prefix}_${secret}`,
    };
  }

  async revoke(idOrPrefix: string): Promise<boolean> {
    return this.updateActive(idOrPrefix, { revokedAt: new Date() });
  }

  // null: back to RATE_LIMIT. Other processes see the change within API_KEY_CACHE_MS.
  setRateLimit(idOrPrefix: string, rateLimit: RateLimit | null): Promise<boolean> {
    return this.updateActive(idOrPrefix, rateLimitColumns(rateLimit));
  }

  private async updateActive(
    idOrPrefix: string,
    change: Partial<
      Pick<ApiKeyEntity, 'revokedAt' | 'rateLimitRequests' | 'rateLimitWindowSeconds'>
    >,
  ): Promise<boolean> {
    const where = /^[0-9a-f-]{36}$/.test(idOrPrefix) ? { id: idOrPrefix } : { prefix: idOrPrefix };
    const res = await this.keys.update({ ...where, revokedAt: IsNull() }, change);
    this.generation += 1;
    this.cache.clear();
    this.lookups.forget();
    return (res.affected ?? 0) > 0;
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  // Resolves a presented key to its principal; null when unknown or revoked. Lookups are cached
  // for API_KEY_CACHE_MS so the read path does not pay a query per request, and refreshed ahead of
  // their expiry (src/common/cache/refresh-ahead.ts): when one ran out instead, every request of
  // the key in flight waited for a lookup (50 connections of one key: ~100 ms every
  // API_KEY_CACHE_MS). A cached answer is never used after its time, so a revocation still takes
  // effect everywhere within API_KEY_CACHE_MS.
  async authenticate(token: string): Promise<Principal | null> {
    const cached = this.cache.get(token);
    const now = Date.now();
    if (cached && cached.until > now) {
      if (dueForRefresh(cached.until, this.config.apiKeyCacheMs, now)) {
        // A failed refresh leaves the entry to run out; the next lookup reports the error.
        this.lookupOnce(token).catch(() => undefined);
      }
      return cached.principal;
    }
    return this.lookupOnce(token);
  }

  // One lookup of a key at a time, shared by whoever asks meanwhile; its answer is cached unless
  // the keys changed (revoke, rate limit) while it ran.
  private lookupOnce(token: string): Promise<Principal | null> {
    const generation = this.generation;
    return this.lookups.run(token, async () => {
      const principal = this.isAdminKey(token) ? ADMIN_PRINCIPAL : await this.lookup(token);
      if (this.config.apiKeyCacheMs > 0 && generation === this.generation) {
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(token, { principal, until: Date.now() + this.config.apiKeyCacheMs });
      }
      return principal;
    });
  }

  private isAdminKey(token: string): boolean {
    return !!this.adminHash && timingSafeEqual(sha256(token), this.adminHash);
  }

  private async lookup(token: string): Promise<Principal | null> {
    const match = KEY_PATTERN.exec(token);
    if (!match) return null;
    const row = await this.keys.findOne({ where: { prefix: match[1], revokedAt: IsNull() } });
    if (!row) return null;
    const ok = timingSafeEqual(sha256(match[2]), Buffer.from(row.secretHash, 'hex'));
    if (!ok) return null;
    const rateLimit = rateLimitOf(row);
    return {
      keyId: row.id,
      name: row.name,
      scopes: row.scopes.filter(isScope),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }
}
