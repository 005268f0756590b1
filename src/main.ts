import { Logger, LogLevel } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { toAppConfig } from './config/configuration';
import { ConfigError } from './config/env.validation';
import { loadEnv } from './config/load-env';
import { JsonLogger, logFormat } from './logging/json-logger';
import { requestContext } from './logging/request-context';
import { startTracing } from './tracing/tracing';

// An API node answers reads in milliseconds; a full collection of its old space (the app and the
// profile cache, ~90 MB) holds it ~100 ms on one core. V8 collects once old space has grown a
// little past what was live, every few seconds under load; letting it reach twice that makes those
// pauses rare (docs/realtime.md, "Memory and pauses").
const API_HEAP_GROWING = '--heap-growing-percent=100';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

// Startup order: config, tracing when configured (before pg and ioredis are loaded, so their calls
// are traced), Redis (cheap to check, so fail before initialising a database), PostgreSQL (embedded
// when DATABASE_URL is unset), migrations under an advisory lock, HTTP.
async function main(): Promise<void> {
  const logger = new Logger('Traitbase');
  const env = loadEnv();
  const json =
    logFormat({ ...process.env, LOG_FORMAT: env.LOG_FORMAT }) === 'json'
      ? new JsonLogger(env.LOG_LEVEL)
      : undefined;
  Logger.overrideLogger(json ?? LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1));
  const tracing = await startTracing(process.env, env.TRAITBASE_ROLE);
  if (tracing) logger.log('tracing: sending spans to the OTLP endpoint');
  // Tracing already follows every promise (its context), so request ids come at no extra cost.
  if (env.LOG_REQUEST_CONTEXT === 'true' || tracing) requestContext.follow();
  const { redisAnswers } = await import('./redis/redis-check');
  if (!(await redisAnswers(env.REDIS_URL))) {
    process.stderr.write(
      `Redis does not answer at ${redactUrl(env.REDIS_URL)}: start one with \`docker compose up -d redis\` ` +
        '(or `redis-server --daemonize yes`), or set REDIS_URL.\n',
    );
    process.exit(1);
  }
  if (!env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres');
    const embedded = await startEmbeddedPostgres({
      home: env.TRAITBASE_HOME,
      port: env.EMBEDDED_PG_PORT,
    });
    env.DATABASE_URL = embedded.url;
  }
  const config = toAppConfig(env);
  if (config.role === 'api') setFlagsFromString(API_HEAP_GROWING);
  const { runMigrations } = await import('./database/migrate');
  const applied = await runMigrations(config.databaseUrl, config.databaseSchema).catch(
    (err: unknown) => {
      throw databaseProblem(err) ?? err;
    },
  );
  if (applied.length > 0) logger.log(`applied ${applied.length} migration(s)`);
  // Loaded only now, so a bad environment or a missing Redis is reported without the app's load time.
  const { createApp } = await import('./bootstrap');
  const app = await createApp(config, env.LOG_LEVEL, json);
  await app.listen({ port: config.port, host: '0.0.0.0' }).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EADDRINUSE'
      ? new ConfigError(`PORT: ${config.port} is already in use; set PORT to a free port`)
      : err;
  });
  logger.log(`listening on http://localhost:${config.port} (role ${config.role})`);
  exitIfShutdownHangs(logger, tracing?.flush);
}

// Nest closes the app on SIGTERM/SIGINT; a close that hangs (a worker waiting for a Redis that is
// gone) must not keep the process, and its port, forever.
const SHUTDOWN_DEADLINE_MS = 10_000;
// Buffered spans are sent meanwhile (best effort: the process may end first).
function exitIfShutdownHangs(logger: Logger, flush?: () => Promise<void>): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      flush?.().catch(() => undefined);
      setTimeout(() => {
        logger.error(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000}s: exiting`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
  }
}

// The first connection to DATABASE_URL fails for reasons the user fixes: say which, in one line.
function databaseProblem(err: unknown): ConfigError | undefined {
  const { code, message } = err as { code?: string; message?: string };
  if (code === '3D000')
    return new ConfigError(`DATABASE_URL: ${message}; create it first (createdb)`);
  if (code === '28P01' || code === '28000') return new ConfigError(`DATABASE_URL: ${message}`);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    return new ConfigError(
      `DATABASE_URL: PostgreSQL does not answer (${message}); start it (\`docker compose up -d postgres\`) ` +
        'or unset DATABASE_URL to use the embedded one',
    );
  }
  return undefined;
}

// Keeps credentials out of the terminal and logs.
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

// Problems the user fixes (configuration, definition files) print as their message alone.
async function report(err: unknown): Promise<void> {
  if (err instanceof ConfigError) return void process.stderr.write(`${err.message}\n`);
  const { InvalidDefinitionsError } = await import('./trait-definitions/trait-definitions.startup');
  if (err instanceof InvalidDefinitionsError) return void process.stderr.write(`${err.message}\n`);
  process.stderr.write(
    `Traitbase failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
}

main().catch(async (err: unknown) => {
  await report(err).catch(() => process.stderr.write(`${String(err)}\n`));
  process.exit(1);
});
