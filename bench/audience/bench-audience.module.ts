import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AudiencesModule } from '../../src/audiences/audiences.module';
import { AppConfigModule } from '../../src/config/config.module';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { FeedModule } from '../../src/feed/feed.module';
import { QueueModule } from '../../src/queue/queue.module';
import { RedisModule } from '../../src/redis/redis.module';

// Audiences and what they need (trait write path, change feed, queue) on the product's config and
// DataSource options; no events module, so nothing moves the generated events meanwhile. Role
// `api` runs no consumer and no queue worker; `all` runs both.
@Module({})
export class BenchAudienceModule {
  static forRoot(url: string, schema: string, role: 'api' | 'all'): DynamicModule {
    const config = toAppConfig(
      validateEnv({
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        TRAIT_DEFINITIONS_DIR: `/nonexistent-${schema}`,
        TRAITBASE_ROLE: role,
      }),
    );
    return {
      module: BenchAudienceModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databaseSchema)),
        RedisModule,
        QueueModule,
        FeedModule,
        AudiencesModule,
      ],
    };
  }
}
