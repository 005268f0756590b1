import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigModule } from '../../src/config/config.module';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { QueueModule } from '../../src/queue/queue.module';
import { RedisModule } from '../../src/redis/redis.module';
import { DbtModule } from '../../src/sources/dbt/dbt.module';

// The dbt module as the service runs it, API role (no queue worker: the bench calls the sync
// itself), reading the warehouse relation from the bench database.
@Module({})
export class BenchDbtModule {
  static forRoot(url: string, schema: string): DynamicModule {
    const config = toAppConfig(
      validateEnv({
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        WAREHOUSE_URL: url,
        REDIS_URL: process.env.REDIS_URL,
        TRAITBASE_ROLE: 'api',
        TRAIT_DEFINITIONS_DIR: `/nonexistent-${schema}`,
      }),
    );
    return {
      module: BenchDbtModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databaseSchema)),
        RedisModule,
        QueueModule,
        DbtModule,
      ],
    };
  }
}
