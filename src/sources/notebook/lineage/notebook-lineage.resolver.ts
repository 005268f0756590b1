import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import { TraitDefinitionModel } from '../../../trait-definitions/trait-definition.model';
import { NotebookLineageModel } from './notebook-lineage.model';
import { NotebookLineageService } from './notebook-lineage.service';

@Resolver(() => TraitDefinitionModel)
@RequireScopes('profile:read', 'admin')
export class NotebookLineageResolver {
  constructor(private readonly lineage: NotebookLineageService) {}

  @ResolveField(() => NotebookLineageModel, {
    nullable: true,
    description:
      'The notebook behind a notebook trait and its latest model version; null otherwise',
  })
  notebook(@Parent() def: TraitDefinitionModel): Promise<NotebookLineageModel | null> {
    return this.lineage.of(def.name, def.source as Record<string, unknown>);
  }
}
