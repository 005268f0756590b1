import { Args, Query, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import { RunModel } from './run.model';
import { RunsQueryService } from './runs-query.service';
import { RunsArgs } from './runs.args';

@Resolver(() => RunModel)
export class RunsResolver {
  constructor(private readonly query: RunsQueryService) {}

  @Query(() => [RunModel], {
    description: 'Recent runs, newest first: status, counts, timings, high-water mark, error',
  })
  @RequireScopes('admin')
  runs(@Args() args: RunsArgs): Promise<RunModel[]> {
    return this.query.recent(args);
  }
}
