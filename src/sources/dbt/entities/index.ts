import { DbtModelEntity } from './dbt-model.entity';
import { DbtRefreshSeenEntity } from './dbt-refresh-seen.entity';
import { DbtSyncStateEntity } from './dbt-sync-state.entity';

export const DBT_ENTITIES = [DbtModelEntity, DbtSyncStateEntity, DbtRefreshSeenEntity];
