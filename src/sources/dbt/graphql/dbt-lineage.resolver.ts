import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import { TraitDefinitionModel } from '../../../trait-definitions/trait-definition.model';
import { DbtLineageModel } from './dbt-lineage.model';
import { SourceLineageService } from './source-lineage.service';

@Resolver(() => TraitDefinitionModel)
@RequireScopes('profile:read', 'admin')
export class DbtLineageResolver {
  constructor(private readonly lineage: SourceLineageService) {}

  @ResolveField(() => DbtLineageModel, {
    nullable: true,
    description: 'The dbt model behind a dbt trait, with its lineage; null for other sources',
  })
  dbtModel(@Parent() def: TraitDefinitionModel): Promise<DbtLineageModel | null> {
    return this.lineage.dbtModel(def.source as Record<string, unknown>);
  }
}
