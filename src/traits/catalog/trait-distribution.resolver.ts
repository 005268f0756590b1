import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import { canReadTrait, Principal } from '../../api-keys/scopes';
import { TraitDefinitionModel } from '../../trait-definitions/trait-definition.model';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { TraitDistributionModel } from './trait-distribution.model';
import { TraitDistributionService } from './trait-distribution.service';

@Resolver(() => TraitDefinitionModel)
@RequireScopes('profile:read', 'admin')
export class TraitDistributionResolver {
  constructor(
    private readonly registry: TraitRegistry,
    private readonly distributions: TraitDistributionService,
  ) {}

  // Values are data: null for a trait whose values the key may not read (PII, exposure).
  @ResolveField(() => TraitDistributionModel, {
    nullable: true,
    description: 'Spread of the current values; null when this key may not read the values',
  })
  async distribution(
    @Parent() parent: TraitDefinitionModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TraitDistributionModel | null> {
    const def = (await this.registry.byIdMap()).get(parent.definitionId);
    if (!def || !canReadTrait(principal, def)) return null;
    return this.distributions.of(def);
  }
}
