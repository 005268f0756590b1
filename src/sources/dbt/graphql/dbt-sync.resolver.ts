import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import { DbtTriggerService } from '../notify/dbt-trigger.service';
import { DbtSyncQueuedModel } from './dbt-sync-queued.model';
import { TriggerDbtSyncArgs } from './trigger-dbt-sync.args';

@Resolver()
export class DbtSyncResolver {
  constructor(private readonly trigger: DbtTriggerService) {}

  @Mutation(() => DbtSyncQueuedModel, {
    description: 'Queue a sync of one dbt source now (full refresh on demand)',
  })
  @RequireScopes('admin')
  triggerDbtSync(@Args() args: TriggerDbtSyncArgs): Promise<DbtSyncQueuedModel> {
    return this.trigger.syncNow(args.model, args.fullRefresh);
  }
}
