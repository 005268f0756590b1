import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AudiencesModule } from './audiences/audiences.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { APP_CONFIG, AppConfigModule } from './config/config.module';
import type { AppConfig } from './config/configuration';
import { dataSourceOptions } from './database/data-source';
import { DestinationsModule } from './destinations/destinations.module';
import { ErasureModule } from './erasure/erasure.module';
import { EventsModule } from './events/events.module';
import { ExplainModule } from './explain/explain.module';
import { FeedModule } from './feed/feed.module';
import { graphqlOptions } from './graphql/graphql.options';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProfilesLoaderFactory } from './profiles/profiles.loader';
import { ProfilesModule } from './profiles/profiles.module';
import { QueueModule } from './queue/queue.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RedisModule } from './redis/redis.module';
import { RunsModule } from './runs/runs.module';
import { DbtModule } from './sources/dbt/dbt.module';
import { NotebookModule } from './sources/notebook/notebook.module';
import { TraitDefinitionsModule } from './trait-definitions/trait-definitions.module';
import { TraitsModule } from './traits/traits.module';
import { UiModule } from './ui/ui.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => dataSourceOptions(c.databaseUrl, c.databaseSchema),
        }),
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: [ProfilesModule, ApiKeysModule],
          inject: [APP_CONFIG, ProfilesLoaderFactory],
          useFactory: graphqlOptions,
        }),
        RedisModule,
        QueueModule,
        FeedModule,
        ApiKeysModule,
        HealthModule,
        MetricsModule,
        RunsModule,
        TraitDefinitionsModule,
        TraitsModule,
        ProfilesModule,
        ExplainModule,
        EventsModule,
        DbtModule,
        NotebookModule,
        AudiencesModule,
        ErasureModule,
        RealtimeModule,
        DestinationsModule,
        UiModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
