import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { MergeLogEntryModel } from '../identity/graphql/identity.models';
import type { Principal } from '../api-keys/scopes';
import { ProfileArgs } from './dto/profile.args';
import type { ProfileRef } from './profile-ref';
import { IdentityModel, ProfileModel, TraitRevisionModel, TraitValueModel } from './profile.model';
import type { ProfileLoaders } from './profiles.loader';
import { ProfilesService, RevisionView } from './profiles.service';
import type { TraitView } from './trait-view';

interface GqlContext {
  loaders: ProfileLoaders;
}

@Resolver(() => ProfileModel)
@RequireScopes('profile:read')
export class ProfilesResolver {
  constructor(private readonly profiles: ProfilesService) {}

  @Query(() => ProfileModel, { nullable: true, description: 'A profile by any of its identities, now or as of a time' })
  profile(@Args() args: ProfileArgs): Promise<ProfileRef | null> {
    return this.profiles.findByIdentity(args.identity.type, args.identity.value, args.asOf);
  }

  @ResolveField(() => [IdentityModel])
  identities(@Parent() ref: ProfileRef, @Context() ctx: GqlContext): Promise<IdentityModel[]> {
    return ctx.loaders.identities.load(ref.id);
  }

  @ResolveField(() => [MergeLogEntryModel], { description: 'Merges and unmerges this profile took part in, oldest first' })
  merges(@Parent() ref: ProfileRef, @Context() ctx: GqlContext): Promise<MergeLogEntryModel[]> {
    return ctx.loaders.merges.load(ref.id);
  }

  @ResolveField(() => [TraitValueModel])
  async traits(
    @Parent() ref: ProfileRef,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: GqlContext,
    @Args('names', { type: () => [String], nullable: true }) names?: string[],
  ): Promise<TraitView[]> {
    const stored = await ctx.loaders.values(ref.asOf).load(ref.id);
    return this.profiles.viewsOf(principal, ref, stored, names);
  }

  @ResolveField(() => TraitValueModel)
  trait(@Parent() ref: ProfileRef, @CurrentPrincipal() principal: Principal, @Args('name') name: string): Promise<TraitView> {
    return this.profiles.trait(principal, ref, name);
  }

  @ResolveField(() => [TraitRevisionModel], { description: 'Revisions of one trait, newest first' })
  history(
    @Parent() ref: ProfileRef,
    @CurrentPrincipal() principal: Principal,
    @Args('trait') trait: string,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
  ): Promise<RevisionView[]> {
    return this.profiles.history(principal, ref, trait, limit);
  }
}
