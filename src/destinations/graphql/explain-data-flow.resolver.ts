import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import type { Principal } from '../../api-keys/scopes';
import { ExplanationModel } from '../../explain/explain.models';
import { graphAtOf, type Explanation } from '../../explain/explanation';
import { DataFlowQueries, LedgerEntry } from '../ledger/data-flow-queries.service';
import { DataFlowEntryModel } from './destination.models';

const EXPLAIN_LIMIT = 100;

// explain(identity, at, knownAt).dataFlow: what had left for destinations by `at`, and why. A
// delivery is recorded when it happens: one after knownAt (when earlier than `at`) is not known.
@Resolver(() => ExplanationModel)
@RequireScopes('profile:read')
export class ExplainDataFlowResolver {
  constructor(private readonly queries: DataFlowQueries) {}

  @ResolveField(() => [DataFlowEntryModel], {
    description:
      'Records of the profile delivered to destinations up to `at` (and `knownAt`), newest first',
  })
  dataFlow(
    @Parent() e: Explanation,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LedgerEntry[]> {
    return this.queries.ofProfile(principal, e.profile.id, graphAtOf(e), EXPLAIN_LIMIT);
  }
}
