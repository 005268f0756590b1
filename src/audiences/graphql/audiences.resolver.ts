import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import type { Principal } from '../../api-keys/scopes';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { AudienceEvaluations } from '../evaluation/audience-evaluations.service';
import { AudiencePreviewService } from '../preview/audience-preview.service';
import { AUDIENCE_RULE_SCHEMA } from '../rule/rule.schema';
import { AudienceQueries, toAudienceModel } from '../storage/audience-queries.service';
import { AudiencesService } from '../storage/audiences.service';
import { AudienceEvaluationQueuedModel, AudiencePreviewModel } from './audience-preview.model';
import {
  AudiencePreviewArgs,
  AudienceSlugArgs,
  AudiencesArgs,
  SaveAudienceInput,
} from './audience.inputs';
import { AudienceModel } from './audience.model';

// The audience API (docs/audiences.md). Reading takes profile:read or audience:write; previewing
// and changing audiences take audience:write (admin implies both).
@Resolver(() => AudienceModel)
export class AudiencesResolver {
  constructor(
    private readonly service: AudiencesService,
    private readonly queries: AudienceQueries,
    private readonly preview: AudiencePreviewService,
    private readonly evaluations: AudienceEvaluations,
  ) {}

  @Query(() => [AudienceModel], { description: 'Audiences by slug (archived ones on request)' })
  @RequireScopes('profile:read', 'audience:write')
  audiences(@Args() args: AudiencesArgs): Promise<AudienceModel[]> {
    return this.queries.list(args.includeArchived);
  }

  @Query(() => AudienceModel, { nullable: true })
  @RequireScopes('profile:read', 'audience:write')
  audience(@Args() args: AudienceSlugArgs): Promise<AudienceModel | null> {
    return this.queries.bySlug(args.slug);
  }

  @Query(() => GraphQLJSON, { description: 'The JSON Schema of audience rules' })
  @RequireScopes('profile:read', 'audience:write')
  audienceRuleSchema(): unknown {
    return AUDIENCE_RULE_SCHEMA;
  }

  @Query(() => AudiencePreviewModel, {
    description: 'Size, top-level group counts and a sample of a rule, now or as of a past moment',
  })
  @RequireScopes('audience:write')
  audiencePreview(@Args() args: AudiencePreviewArgs): Promise<AudiencePreviewModel> {
    return this.preview.preview(args.rule, args.asOf ?? null);
  }

  @Mutation(() => AudienceModel, {
    description: 'Create or change an audience (a new version when anything changed)',
  })
  @RequireScopes('audience:write')
  async saveAudience(
    @Args('input') input: SaveAudienceInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AudienceModel> {
    const { audience } = await this.service.save(input, { kind: 'api', savedBy: principal.name });
    return toAudienceModel(audience);
  }

  @Mutation(() => AudienceModel, {
    description: 'Stop evaluating an audience and retire its trait',
  })
  @RequireScopes('audience:write')
  async archiveAudience(@Args() args: AudienceSlugArgs): Promise<AudienceModel> {
    return toAudienceModel(await this.service.archive(args.slug, 'api'));
  }

  @Mutation(() => AudienceEvaluationQueuedModel, { description: 'Queue a full evaluation now' })
  @RequireScopes('audience:write')
  async evaluateAudience(@Args() args: AudienceSlugArgs): Promise<AudienceEvaluationQueuedModel> {
    return { slug: args.slug, jobId: await this.evaluations.runNow(args.slug) };
  }
}
