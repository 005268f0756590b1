import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import type { HistoricalRef } from '../profiles/profile-ref';
import { ProfileModel } from '../profiles/profile.model';
import { AUDIENCE_PREFIX } from '../trait-definitions/rules/reserved-names';
import { ExplainChangesService } from './explain-changes.service';
import { ExplainArgs, ExplainPageArgs } from './explain.args';
import {
  AudienceMembershipModel,
  ExplainChangePageModel,
  ExplainCorrectionPageModel,
  ExplainedValueModel,
  ExplanationModel,
} from './explain.models';
import { ExplainService } from './explain.service';
import type { ExplainedValue, Explanation } from './explanation';

@Resolver(() => ExplanationModel)
@RequireScopes('profile:read')
export class ExplainResolver {
  constructor(
    private readonly explainer: ExplainService,
    private readonly lists: ExplainChangesService,
  ) {}

  @Query(() => ExplanationModel, {
    nullable: true,
    description:
      'What was served for an identity at an instant, and why; null when the identity was not known then',
  })
  explain(@Args() args: ExplainArgs): Promise<Explanation | null> {
    return this.explainer.explain(args.identity.type, args.identity.value, args.at, args.knownAt);
  }

  @ResolveField(() => ProfileModel)
  profile(@Parent() e: Explanation): HistoricalRef {
    return e.profile;
  }

  @ResolveField(() => [ExplainedValueModel], {
    description: 'The values served then: valid at `at` as known at `knownAt`, by trait name',
  })
  values(
    @Parent() e: Explanation,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ExplainedValue[]> {
    return this.explainer.values(principal, e);
  }

  @ResolveField(() => [AudienceMembershipModel], {
    description:
      'Audiences the profile was a member of at `at`, as known at `knownAt` (its audience: traits)',
  })
  async memberships(
    @Parent() e: Explanation,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AudienceMembershipModel[]> {
    const values = await this.explainer.values(principal, e);
    return values
      .filter((v) => v.trait.name.startsWith(AUDIENCE_PREFIX) && v.trait.value === true)
      .map((v) => ({
        audience: v.trait.name.slice(AUDIENCE_PREFIX.length),
        since: v.trait.updatedAt,
      }));
  }

  @ResolveField(() => ExplainChangePageModel, {
    description:
      'Every change in the 24 h before `at`, as known at `knownAt`, with its cause; newest first',
  })
  changes(
    @Parent() e: Explanation,
    @CurrentPrincipal() principal: Principal,
    @Args() page: ExplainPageArgs,
  ): Promise<ExplainChangePageModel> {
    return this.lists.changes(principal, e, page.first, page.after);
  }

  @ResolveField(() => ExplainCorrectionPageModel, {
    description:
      'Values recorded after `knownAt` that were valid at `at`, each with when it arrived',
  })
  corrections(
    @Parent() e: Explanation,
    @CurrentPrincipal() principal: Principal,
    @Args() page: ExplainPageArgs,
  ): Promise<ExplainCorrectionPageModel> {
    return this.lists.corrections(principal, e, page.first, page.after);
  }
}
