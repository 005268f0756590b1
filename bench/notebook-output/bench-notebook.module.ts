import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { AppConfigModule } from '../../src/config/config.module';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { QueueModule } from '../../src/queue/queue.module';
import { RedisModule } from '../../src/redis/redis.module';
import { NotebookModule } from '../../src/sources/notebook/notebook.module';

// The notebook module as the service runs it, API role (the bench calls the runner itself);
// notebook paths resolve from the repository root, like the tests'.
@Module({})
export class BenchNotebookModule {
  static forRoot(url: string, schema: string): DynamicModule {
    const config = toAppConfig(
      validateEnv({
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        REDIS_URL: process.env.REDIS_URL,
        TRAITBASE_ROLE: 'api',
        TRAIT_DEFINITIONS_DIR: join(__dirname, '../..', `no-definitions-${schema}`),
      }),
    );
    return {
      module: BenchNotebookModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databaseSchema)),
        RedisModule,
        QueueModule,
        NotebookModule,
      ],
    };
  }
}
