import { parseRateLimit, RateLimit } from '../api-keys/rate-limit';
import { durationSeconds } from '../trait-definitions/rules/duration';
import { EnvironmentVariables } from './env.validation';

export interface AppConfig {
  databaseUrl: string;
  databaseSchema: string;
  redisUrl: string;
  warehouseUrl: string;
  port: number;
  traitDefinitionsDir: string;
  adminKey: string | undefined;
  notebookPython: string;
  role: 'api' | 'worker' | 'all';
  apiKeyCacheMs: number;
  introspection: boolean;
  feedRetentionSeconds: number;
  // Profiles kept in each process's hot cache (0: no cache; default DEFAULT_PROFILE_CACHE_SIZE).
  profileCacheSize?: number;
  // Browser origins allowed to call the API (CORS); empty: no CORS headers; ['*']: any origin.
  corsOrigins?: string[];
  ledgerRetentionSeconds: number;
  // Largest predictions upload in bytes (PREDICTIONS_MAX_UPLOAD_BYTES); null: no limit.
  predictionsMaxUploadBytes?: number | null;
  // Per-key default (RATE_LIMIT); undefined: DEFAULT_RATE_LIMIT; null: off.
  rateLimit?: RateLimit | null;
  // Per client address, for requests without a valid key (ADDRESS_LIMIT); undefined:
  // DEFAULT_ADDRESS_LIMIT; null: off.
  addressLimit?: RateLimit | null;
  // Fastify's trustProxy (TRUST_PROXY): which proxies' X-Forwarded-For names the client address.
  trustProxy?: boolean | string[];
  // Trait writes of at most this many valid rows take the small-write path (0: never; default
  // SMALL_WRITE_MAX_ROWS).
  smallWriteMaxRows?: number;
  // Event shards one worker process drains at the same time (default EVENT_WORKER_CONCURRENCY).
  eventWorkerConcurrency?: number;
  // How long an audience preview may run, all its statements together (default PREVIEW_TIMEOUT_MS).
  audiencePreviewTimeoutMs?: number;
}

export function toAppConfig(env: EnvironmentVariables): AppConfig {
  if (!env.DATABASE_URL)
    throw new Error('DATABASE_URL: must be set (main.ts starts an embedded one)');
  return {
    databaseUrl: env.DATABASE_URL,
    databaseSchema: env.DATABASE_SCHEMA,
    redisUrl: env.REDIS_URL,
    warehouseUrl: env.WAREHOUSE_URL ?? env.DATABASE_URL,
    port: env.PORT,
    traitDefinitionsDir: env.TRAIT_DEFINITIONS_DIR,
    adminKey: env.TRAITBASE_ADMIN_KEY,
    notebookPython: env.NOTEBOOK_PYTHON,
    role: env.TRAITBASE_ROLE,
    apiKeyCacheMs: env.API_KEY_CACHE_MS,
    introspection: env.GRAPHQL_INTROSPECTION
      ? env.GRAPHQL_INTROSPECTION === 'true'
      : process.env.NODE_ENV !== 'production',
    feedRetentionSeconds: durationSeconds(env.FEED_RETENTION) ?? 7 * 86_400,
    profileCacheSize: env.PROFILE_CACHE_SIZE,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    ledgerRetentionSeconds: durationSeconds(env.LEDGER_RETENTION) ?? 365 * 86_400,
    predictionsMaxUploadBytes: env.PREDICTIONS_MAX_UPLOAD_BYTES || null,
    rateLimit: env.RATE_LIMIT === 'off' ? null : parseRateLimit(env.RATE_LIMIT),
    addressLimit: env.ADDRESS_LIMIT === 'off' ? null : parseRateLimit(env.ADDRESS_LIMIT),
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    smallWriteMaxRows: env.TRAIT_WRITE_SMALL_ROWS,
    eventWorkerConcurrency: env.EVENT_WORKER_CONCURRENCY,
    audiencePreviewTimeoutMs: env.AUDIENCE_PREVIEW_TIMEOUT_MS,
  };
}

// TRUST_PROXY: unset/false → the socket's address; true → the left-most X-Forwarded-For address;
// otherwise addresses/CIDRs of trusted proxies, comma-separated (a hop count is refused by
// validateEnv).
export function trustProxyOf(text: string | undefined): boolean | string[] {
  const value = (text ?? '').trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}
