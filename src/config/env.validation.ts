import { plainToInstance } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  validateSync,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { parseRateLimit, RATE_LIMIT_RULE } from '../api-keys/rate-limit';
import { DURATION_RULE, durationSeconds } from '../trait-definitions/rules/duration';
// Implicit conversion (PORT="3000" → 3000) reads design:type metadata, recorded only when
// reflect-metadata is loaded before the class below is defined, whoever imports this file first.
import 'reflect-metadata';

const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;
const REDIS_URL = /^rediss?:\/\/.+/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const PORT_RULE = { message: 'must be an integer from 0 to 65535' };
const PG_PORT_RULE = { message: 'must be an integer from 1 to 65535' };

@ValidatorConstraint({ name: 'isDuration' })
class IsDuration implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && durationSeconds(value) !== null;
  }

  defaultMessage(): string {
    return DURATION_RULE;
  }
}

@ValidatorConstraint({ name: 'isRateLimit' })
class IsRateLimit implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && (value === 'off' || parseRateLimit(value) !== null);
  }

  defaultMessage(): string {
    return `${RATE_LIMIT_RULE}, or off`;
  }
}

// Every variable the service reads. .env.example and docs/configuration.md list the same set.
export class EnvironmentVariables {
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA: string = 'public';

  @IsOptional()
  @Matches(REDIS_URL, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' })
  WAREHOUSE_URL?: string;

  @IsOptional()
  @IsInt(PORT_RULE)
  @Min(0, PORT_RULE)
  @Max(65535, PORT_RULE)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  TRAIT_DEFINITIONS_DIR: string = './trait-definitions';

  @IsOptional()
  @Matches(/^\S{24,}$/, { message: 'must be at least 24 characters without spaces' })
  TRAITBASE_ADMIN_KEY?: string;

  @IsOptional()
  @IsString()
  NOTEBOOK_PYTHON: string = '/usr/bin/python3';

  @IsOptional()
  @IsIn(['api', 'worker', 'all'], { message: 'must be one of api, worker, all' })
  TRAITBASE_ROLE: 'api' | 'worker' | 'all' = 'all';

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'must be one of fatal, error, warn, log, debug, verbose',
  })
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  // Traces go to an OTLP/HTTP collector only when one of these is set (src/tracing/tracing.ts).
  @IsOptional()
  @Matches(HTTP_URL, { message: 'must be an http:// or https:// URL of an OTLP/HTTP collector' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @Matches(HTTP_URL, {
    message: 'must be an http:// or https:// URL of an OTLP/HTTP traces endpoint',
  })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  // Unset: json when NODE_ENV=production or CI is set, else pretty (src/logging/json-logger.ts).
  @IsOptional()
  @IsIn(['json', 'pretty'], { message: 'must be json or pretty' })
  LOG_FORMAT?: 'json' | 'pretty';

  // true: every line logged while a request is served carries its reqId (an AsyncLocalStorage
  // per request, ~15–20% more CPU per cached read on Node 20); on whenever tracing is.
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  LOG_REQUEST_CONTEXT?: 'true' | 'false';

  @IsOptional()
  @IsInt({ message: 'must be an integer number of milliseconds from 0 to 3600000' })
  @Min(0, { message: 'must be an integer number of milliseconds from 0 to 3600000' })
  @Max(3_600_000, { message: 'must be an integer number of milliseconds from 0 to 3600000' })
  API_KEY_CACHE_MS: number = 5000;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  GRAPHQL_INTROSPECTION?: 'true' | 'false';

  // How long the change feed keeps its rows (docs/change-feed.md).
  @IsOptional()
  @Validate(IsDuration)
  FEED_RETENTION: string = '7d';

  @IsOptional()
  @IsInt({ message: 'must be an integer from 0 to 10000000' })
  @Min(0, { message: 'must be an integer from 0 to 10000000' })
  @Max(10_000_000, { message: 'must be an integer from 0 to 10000000' })
  PROFILE_CACHE_SIZE: number = 100_000; // DEFAULT_PROFILE_CACHE_SIZE

  // Comma-separated browser origins allowed to call the API, e.g. https://game.example,https://admin.example; * for any.
  @IsOptional()
  @Matches(/^(\*|https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*)$/, {
    message: 'must be * or a comma-separated list of origins such as https://game.example',
  })
  CORS_ORIGINS?: string;
  // How long the data-flow ledger keeps delivered records (docs/activation.md).
  @IsOptional()
  @Validate(IsDuration)
  LEDGER_RETENTION: string = '365d';

  // Largest POST /v1/predictions body in bytes (after gunzip); 0: no limit (docs/notebooks.md).
  @IsOptional()
  @IsInt({ message: 'must be a whole number of bytes, 0 for no limit' })
  @Min(0, { message: 'must be a whole number of bytes, 0 for no limit' })
  PREDICTIONS_MAX_UPLOAD_BYTES: number = 0;

  // Requests each API key may make per window, unless the key has a limit of its own
  // (docs/security.md#rate-limits); off: no default limit.
  @IsOptional()
  @Validate(IsRateLimit)
  RATE_LIMIT: string = '10000/1s'; // DEFAULT_RATE_LIMIT

  // Requests per client address without a valid key or with an unreadable body
  // (docs/security.md#rate-limits); off: not limited.
  @IsOptional()
  @Validate(IsRateLimit)
  ADDRESS_LIMIT: string = '100/1m'; // DEFAULT_ADDRESS_LIMIT

  // Proxies whose X-Forwarded-For names the client: true, or their addresses/CIDRs. Not a hop
  // count: Fastify no longer trusts one (a client that reaches the service directly could send as
  // many hops as it likes), and a count that silently trusted nothing would put every client
  // behind the proxy's one address.
  @IsOptional()
  @Matches(/^(?![0-9]+$)(true|false|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message:
      'must be true, false, or proxy addresses/CIDRs separated by commas (not a number of hops: a client reaching the service directly could forge them)',
  })
  TRUST_PROXY?: string;

  // Trait writes of at most this many valid rows skip the bulk path's temporary tables (docs/trait-store.md).
  @IsOptional()
  @IsInt({ message: 'must be an integer from 0 to 1000' })
  @Min(0, { message: 'must be an integer from 0 to 1000' })
  @Max(1000, { message: 'must be an integer from 0 to 1000' })
  TRAIT_WRITE_SMALL_ROWS: number = 64; // SMALL_WRITE_MAX_ROWS

  // Event shards each worker process drains at the same time (docs/scaling.md#event-processing).
  @IsOptional()
  @IsInt({ message: 'must be an integer from 1 to 64' })
  @Min(1, { message: 'must be an integer from 1 to 64' })
  @Max(64, { message: 'must be an integer from 1 to 64' })
  EVENT_WORKER_CONCURRENCY: number = 4; // EVENT_WORKER_CONCURRENCY

  // How long an audience preview may run, every statement of it together (docs/audiences.md#preview).
  @IsOptional()
  @IsInt({ message: 'must be an integer number of milliseconds from 1 to 600000' })
  @Min(1, { message: 'must be an integer number of milliseconds from 1 to 600000' })
  @Max(600_000, { message: 'must be an integer number of milliseconds from 1 to 600000' })
  AUDIENCE_PREVIEW_TIMEOUT_MS: number = 10_000; // PREVIEW_TIMEOUT_MS

  // Only used when DATABASE_URL is unset: where and on which port the embedded PostgreSQL runs.
  @IsOptional()
  @IsString()
  TRAITBASE_HOME: string = '.traitbase';

  @IsOptional()
  @IsInt(PG_PORT_RULE)
  @Min(1, PG_PORT_RULE)
  @Max(65535, PG_PORT_RULE)
  EMBEDDED_PG_PORT: number = 54329;
}

export class ConfigError extends Error {}

// An empty value (`PORT=` in .env) means "unset, use the default", as in docker compose.
function withoutEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
}

// Fails with one line per bad variable, each naming the variable and the rule it broke.
// Values are never echoed: some of them are secrets.
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, withoutEmpty(raw), {
    enableImplicitConversion: true,
  });
  const errors = validateSync(env, {
    skipMissingProperties: false,
    whitelist: false,
    stopAtFirstError: true,
  });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  return env;
}
