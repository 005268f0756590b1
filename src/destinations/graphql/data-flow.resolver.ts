import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import type { Principal } from '../../api-keys/scopes';
import { ProfilesService } from '../../profiles/profiles.service';
import { DataFlowQueries, LedgerEntry } from '../ledger/data-flow-queries.service';
import { DataFlowArgs, DeliveryLogArgs } from './destination.inputs';
import { DataFlowEntryModel } from './destination.models';

// "What of this person left, to whom, when, why" and a destination's delivery log.
@Resolver(() => DataFlowEntryModel)
@RequireScopes('profile:read')
export class DataFlowResolver {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly queries: DataFlowQueries,
  ) {}

  @Query(() => [DataFlowEntryModel], {
    description: 'Every record of a profile that left, newest first',
  })
  async dataFlow(
    @Args() args: DataFlowArgs,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LedgerEntry[]> {
    const ref = await this.profiles.findByIdentityOrThrow(args.identity.type, args.identity.value);
    return this.queries.ofProfile(principal, ref.id, null, args.first);
  }

  @Query(() => [DataFlowEntryModel], { description: 'What a destination received, newest first' })
  deliveryLog(
    @Args() args: DeliveryLogArgs,
    @CurrentPrincipal() principal: Principal,
  ): Promise<LedgerEntry[]> {
    return this.queries.ofDestination(principal, args.destination, args.before ?? null, args.first);
  }
}
