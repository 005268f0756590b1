import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { AUDIENCE_ENTITIES } from '../audiences/storage';
import { DESTINATION_ENTITIES } from '../destinations/storage';
import { EVENTS_ENTITIES } from '../events/events.entities';
import { ChangeFeedEntity } from '../feed/change-feed.entity';
import { FeedConsumerEntity } from '../feed/feed-consumer.entity';
import { IDENTITY_UNIFICATION_ENTITIES } from '../identity/entities';
import { IdentityEntity } from '../identity/identity.entity';
import { ProfileEntity } from '../profiles/profile.entity';
import { RunEntity } from '../runs/run.entity';
import { DBT_ENTITIES } from '../sources/dbt/entities';
import { NotebookRunEntity } from '../sources/notebook/notebook-run.entity';
import { PredictionBatchEntity } from '../sources/notebook/predictions/prediction-batch.entity';
import { TraitDefinitionVersionEntity } from '../trait-definitions/trait-definition-version.entity';
import { TraitDefinitionEntity } from '../trait-definitions/trait-definition.entity';
import { TraitRevisionEntity } from '../traits/trait-revision.entity';
import { TraitValueEntity } from '../traits/trait-value.entity';

export const ENTITIES = [
  ProfileEntity,
  IdentityEntity,
  TraitDefinitionEntity,
  TraitDefinitionVersionEntity,
  TraitValueEntity,
  TraitRevisionEntity,
  RunEntity,
  ApiKeyEntity,
  ...IDENTITY_UNIFICATION_ENTITIES,
  ...EVENTS_ENTITIES,
  ...DBT_ENTITIES,
  NotebookRunEntity,
  PredictionBatchEntity,
  ChangeFeedEntity,
  FeedConsumerEntity,
  ...AUDIENCE_ENTITIES,
  ...DESTINATION_ENTITIES,
];

// The one set of options used by the app, the migration runner, the CLI and the typeorm CLI.
export function dataSourceOptions(url: string, schema = 'public'): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    schema,
    entities: ENTITIES,
    migrations: [join(__dirname, '../../migrations/*.{ts,js}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    extra: { max: 10, options: `-c search_path=${schema}` },
  };
}

// Used by `typeorm migration:generate|run` from package.json scripts.
export default new DataSource(
  dataSourceOptions(
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/traitbase',
    process.env.DATABASE_SCHEMA ?? 'public',
  ),
);
