import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import type { Principal } from '../../api-keys/scopes';
import { ExplanationModel } from '../../explain/explain.models';
import type { Explanation } from '../../explain/explanation';
import { DataFlowQueries, LedgerEntry } from '../ledger/data-flow-queries.service';
import { DataFlowEntryModel } from './destination.models';

const EXPLAIN_LIMIT = 100;

// explain(identity, at).dataFlow: what had left for destinations by `at`, and why.
@Resolver(() => ExplanationModel)
@RequireScopes('profile:read')
export class ExplainDataFlowResolver {
  constructor(private readonly queries: DataFlowQueries) {}

  @ResolveField(() => [DataFlowEntryModel], {
    description: 'Records of the profile delivered to destinations up to `at`, newest first',
  })
  dataFlow(
    @Parent() e: Explanation,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LedgerEntry[]> {
    return this.queries.ofProfile(principal, e.profile.id, e.at, EXPLAIN_LIMIT);
  }
}
