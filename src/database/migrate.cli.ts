import { Logger } from '@nestjs/common';
import { ConfigError } from '../config/env.validation';
import { loadEnv } from '../config/load-env';
import { startEmbeddedPostgres } from './embedded-postgres';
import { revertLastMigration, runMigrations } from './migrate';

// `npm run migration:run|revert`: the same advisory-locked runner that `npm start` uses, against
// DATABASE_URL or, when it is unset, the embedded PostgreSQL.
async function main(): Promise<void> {
  const logger = new Logger('Migrations');
  const env = loadEnv();
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ home: env.TRAITBASE_HOME, port: env.EMBEDDED_PG_PORT });
  const url = env.DATABASE_URL ?? embedded!.url;
  try {
    if (process.argv[2] === 'revert') {
      await revertLastMigration(url, env.DATABASE_SCHEMA);
      logger.log('reverted the last migration');
    } else {
      const applied = await runMigrations(url, env.DATABASE_SCHEMA);
      logger.log(
        `applied ${applied.length} migration(s)${applied.length ? `: ${applied.join(', ')}` : ''}`,
      );
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
