import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import { hasScope, Principal } from '../../../api-keys/scopes';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { RunSummaryModel } from '../../../runs/graphql/run-summary.model';
import { RunModel } from '../../../runs/graphql/run.model';
import { TraitDefinitionModel } from '../../../trait-definitions/trait-definition.model';
import { SourceLineageService } from './source-lineage.service';

// Runs are admin data (as the runs query): checked here too, since the parent query admits
// read-only keys.
@Resolver(() => TraitDefinitionModel)
@RequireScopes('admin')
export class TraitLastRunResolver {
  constructor(private readonly lineage: SourceLineageService) {}

  @ResolveField(() => RunModel, {
    nullable: true,
    description:
      'Latest run of the source that writes the trait (dbt, notebook, audience); admin only',
  })
  lastRun(
    @Parent() def: TraitDefinitionModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RunModel | null> {
    requireAdmin(principal);
    return this.lineage.lastRun(def.source as Record<string, unknown>);
  }

  @ResolveField(() => RunSummaryModel, {
    nullable: true,
    description:
      'The latest run of the source that did work, and the idle incremental runs since (what the catalogue shows as its last run); admin only',
  })
  lastRunWithWork(
    @Parent() def: TraitDefinitionModel,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RunSummaryModel | null> {
    requireAdmin(principal);
    return this.lineage.lastRunWithWork(def.source as Record<string, unknown>);
  }
}

function requireAdmin(principal: Principal): void {
  if (!hasScope(principal, 'admin')) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'this key lacks the scope admin');
  }
}
