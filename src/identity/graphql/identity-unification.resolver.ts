import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import type { Principal } from '../../api-keys/scopes';
import { MergeLogService } from '../merge-log.service';
import { ManualMergeService } from '../merge/manual-merge.service';
import { IdentityPreviewService } from '../preview/identity-preview.service';
import { UnmergeService } from '../unmerge/unmerge.service';
import {
  IdentityViolationsArgs,
  MergeProfilesArgs,
  PreviewIdentityRulesArgs,
  UnmergeIdentityArgs,
} from './identity.args';
import {
  IdentityRulesPreviewModel,
  IdentityViolationModel,
  MergeProfilesResultModel,
  UnmergeResultModel,
} from './identity.models';

// Admin operations on the identity graph: manual merge, unmerge, merge protection, rules dry run.
@Resolver()
@RequireScopes('admin')
export class IdentityUnificationResolver {
  constructor(
    private readonly manual: ManualMergeService,
    private readonly unmerges: UnmergeService,
    private readonly log: MergeLogService,
    private readonly previews: IdentityPreviewService,
  ) {}

  @Mutation(() => MergeProfilesResultModel, {
    description: 'Merge the profile of `from` into the profile of `into`',
  })
  mergeProfiles(
    @Args() args: MergeProfilesArgs,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MergeProfilesResultModel> {
    return this.manual.merge(args.into, args.from, args.force, {
      kind: 'manual',
      ref: principal.keyId,
    });
  }

  @Mutation(() => UnmergeResultModel, {
    description: 'Split an identity, and what arrived through it, into a profile of its own',
  })
  unmergeIdentity(
    @Args() args: UnmergeIdentityArgs,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UnmergeResultModel> {
    return this.unmerges.unmerge(args.identity, { kind: 'manual', ref: principal.keyId });
  }

  @Query(() => [IdentityViolationModel], {
    description: 'Observations refused by merge protection, most recent first',
  })
  identityViolations(@Args() args: IdentityViolationsArgs): Promise<IdentityViolationModel[]> {
    return this.log.recentViolations(args.limit);
  }

  @Query(() => IdentityRulesPreviewModel, {
    description: 'How many profiles proposed identity rules would merge or split',
  })
  previewIdentityRules(@Args() args: PreviewIdentityRulesArgs): Promise<IdentityRulesPreviewModel> {
    return this.previews.preview(args.yaml);
  }
}
