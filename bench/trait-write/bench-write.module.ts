import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigModule } from '../../src/config/config.module';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { RedisModule } from '../../src/redis/redis.module';
import { RunsModule } from '../../src/runs/runs.module';
import { TraitsModule } from '../../src/traits/traits.module';

// Just the write path (TraitWriter and what it needs: Redis for the change feed) on the product's
// config and DataSource options.
// Definitions are inserted by the bench, so no folder is applied at start.
@Module({})
export class BenchWriteModule {
  static forRoot(url: string, schema: string, env: Record<string, string> = {}): DynamicModule {
    const config = toAppConfig(
      validateEnv({
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        TRAIT_DEFINITIONS_DIR: `/nonexistent-${schema}`,
        ...env,
      }),
    );
    return {
      module: BenchWriteModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databaseSchema)),
        RedisModule,
        RunsModule,
        TraitsModule,
      ],
    };
  }
}
