import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { TraitCatalogService } from './trait-catalog.service';
import { TraitDefinitionVersionsLoader } from './trait-definition-versions.loader';
import { TraitDefinitionModel, TraitDefinitionVersionModel } from './trait-definition.model';

@Resolver(() => TraitDefinitionModel)
@RequireScopes('profile:read', 'admin')
export class TraitDefinitionsResolver {
  constructor(
    private readonly catalog: TraitCatalogService,
    private readonly versionsLoader: TraitDefinitionVersionsLoader,
  ) {}

  @Query(() => [TraitDefinitionModel], {
    description: 'Trait definitions by name; retired ones on request',
  })
  traitDefinitions(
    @Args('includeRetired', { type: () => Boolean, defaultValue: false }) includeRetired: boolean,
  ): Promise<TraitDefinitionModel[]> {
    return this.catalog.list(includeRetired);
  }

  @Query(() => TraitDefinitionModel, {
    nullable: true,
    description: 'One trait definition, retired or not',
  })
  traitDefinition(@Args('name') name: string): Promise<TraitDefinitionModel | null> {
    return this.catalog.get(name);
  }

  @ResolveField(() => [TraitDefinitionVersionModel], { description: 'Every version, newest first' })
  versions(
    @Parent() def: TraitDefinitionModel,
    @Context('req') req: object,
  ): Promise<TraitDefinitionVersionModel[]> {
    return this.versionsLoader.forRequest(req).load(def.definitionId);
  }
}
