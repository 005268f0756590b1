import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import { RunTrigger } from '../run-trigger.service';
import { RunTriggeredModel } from './run-triggered.model';
import { TriggerRunArgs } from './trigger-run.args';

@Resolver()
export class TriggerRunResolver {
  constructor(private readonly runs: RunTrigger) {}

  @Mutation(() => RunTriggeredModel, {
    description: 'Run any source now (dbt sync, notebook run, …), optionally waiting for it',
  })
  @RequireScopes('admin')
  triggerRun(@Args() args: TriggerRunArgs): Promise<RunTriggeredModel> {
    return this.runs.trigger(args.source, { fullRefresh: args.fullRefresh }, args.waitSeconds);
  }
}
