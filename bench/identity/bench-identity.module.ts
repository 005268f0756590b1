import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfigModule } from '../../src/config/config.module';
import { toAppConfig } from '../../src/config/configuration';
import { validateEnv } from '../../src/config/env.validation';
import { dataSourceOptions } from '../../src/database/data-source';
import { IdentityModule } from '../../src/identity/identity.module';
import { RedisModule } from '../../src/redis/redis.module';

// Identity resolution (IdentityResolver and what it needs: rules, Redis for the change feed) on the
// product's config and DataSource options; the built-in identity rules.
@Module({})
export class BenchIdentityModule {
  static forRoot(url: string, schema: string): DynamicModule {
    const config = toAppConfig(
      validateEnv({
        DATABASE_URL: url,
        DATABASE_SCHEMA: schema,
        TRAIT_DEFINITIONS_DIR: `/nonexistent-${schema}`,
      }),
    );
    return {
      module: BenchIdentityModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, config.databaseSchema)),
        RedisModule,
        IdentityModule,
      ],
    };
  }
}
