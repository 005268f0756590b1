import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import type { ProfileRef } from '../../profiles/profile-ref';
import { ProfileModel } from '../../profiles/profile.model';
import { dependenciesOf } from '../rule/rule-walk';
import type { Rule } from '../rule/rule.types';
import { AudienceQueries } from '../storage/audience-queries.service';
import { toAudienceYaml } from '../yaml/audience-yaml';
import { AudienceMemberModel, AudienceMemberPageModel } from './audience-member.model';
import { MembersArgs, SizeHistoryArgs } from './audience.inputs';
import {
  AudienceDependenciesModel,
  AudienceModel,
  AudienceSizePointModel,
  AudienceVersionModel,
} from './audience.model';

@Resolver(() => AudienceModel)
@RequireScopes('profile:read', 'audience:write')
export class AudienceFieldsResolver {
  constructor(private readonly queries: AudienceQueries) {}

  @ResolveField(() => [AudienceVersionModel], { description: 'Every version, newest first' })
  versions(@Parent() a: AudienceModel): Promise<AudienceVersionModel[]> {
    return this.queries.versions(a.id);
  }

  @ResolveField(() => [AudienceSizePointModel], { description: 'Size per hour, newest first' })
  sizeHistory(
    @Parent() a: AudienceModel,
    @Args() args: SizeHistoryArgs,
  ): Promise<AudienceSizePointModel[]> {
    return this.queries.sizeHistory(a.id, args.limit);
  }

  @ResolveField(() => AudienceMemberPageModel, {
    description: 'Current members, in profile id order',
  })
  members(@Parent() a: AudienceModel, @Args() args: MembersArgs): Promise<AudienceMemberPageModel> {
    return this.queries.members(a, args.first, args.after ?? null);
  }

  @ResolveField(() => AudienceDependenciesModel)
  dependencies(@Parent() a: AudienceModel): AudienceDependenciesModel {
    const d = dependenciesOf(a.rule as Rule);
    return {
      traits: [...d.traits],
      identities: [...d.identities],
      events: [...d.events],
      audiences: [...d.audiences],
      timeDependent: d.timeDependent,
    };
  }

  @ResolveField(() => String, {
    description: 'The audience as a file for trait-definitions/audiences/',
  })
  async yaml(@Parent() a: AudienceModel): Promise<string> {
    return toAudienceYaml(await this.queries.entity(a.slug));
  }
}

@Resolver(() => AudienceMemberModel)
export class AudienceMemberResolver {
  @ResolveField(() => ProfileModel, { description: 'The profile (its fields need profile:read)' })
  @RequireScopes('profile:read')
  profile(@Parent() m: AudienceMemberModel): ProfileRef {
    return { id: m.profileId, revision: m.revision, asOf: null };
  }
}
