import { Logger, LoggerService } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { toAppConfig } from '../config/configuration';
import { loadEnv } from '../config/load-env';
import { dataSourceOptions } from '../database/data-source';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { runMigrations } from '../database/migrate';

export interface CliDatabase {
  config: AppConfig;
  dataSource: DataSource;
  close: () => Promise<void>;
}

// Library logs (the embedded PostgreSQL starting) go to stderr, so stdout stays the result alone.
const stderrLogger: LoggerService = {
  log: (message: unknown, context?: string) =>
    process.stderr.write(`${context ?? 'traitbase'}: ${String(message)}\n`),
  warn: (message: unknown, context?: string) =>
    process.stderr.write(`${context ?? 'traitbase'}: ${String(message)}\n`),
  error: (message: unknown, context?: string) =>
    process.stderr.write(`${context ?? 'traitbase'}: ${String(message)}\n`),
};

// Connects as the service does: DATABASE_URL/DATABASE_SCHEMA, or the embedded PostgreSQL (reusing
// one already running), with pending migrations applied under the same advisory lock.
export async function openDatabase(): Promise<CliDatabase> {
  Logger.overrideLogger(stderrLogger);
  const env = loadEnv();
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ home: env.TRAITBASE_HOME, port: env.EMBEDDED_PG_PORT });
  env.DATABASE_URL ??= embedded!.url;
  const config = toAppConfig(env);
  try {
    await runMigrations(config.databaseUrl, config.databaseSchema);
    const dataSource = await new DataSource(
      dataSourceOptions(config.databaseUrl, config.databaseSchema),
    ).initialize();
    return {
      config,
      dataSource,
      close: async () => {
        await dataSource.destroy();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
