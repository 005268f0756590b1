import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import { MergeLogEntryModel } from '../identity/graphql/identity.models';
import { ProfileArgs, ProfilesArgs } from './dto/profile.args';
import { isHistorical, ProfileRef } from './profile-ref';
import { IdentityModel, ProfileModel, TraitRevisionModel, TraitValueModel } from './profile.model';
import type { ProfileLoaders } from './profiles.loader';
import { MAX_BATCH_LOOKUP, ProfilesService, RevisionView } from './profiles.service';
import type { TraitView } from './trait-view';

const views = (v: TraitView[]) => v;

interface GqlContext {
  loaders: ProfileLoaders;
}

@Resolver(() => ProfileModel)
@RequireScopes('profile:read')
export class ProfilesResolver {
  constructor(private readonly profiles: ProfilesService) {}

  @Query(() => ProfileModel, {
    nullable: true,
    description: 'A profile by any of its identities, now or as of a time',
  })
  async profile(@Args() args: ProfileArgs, @Context() ctx: GqlContext): Promise<ProfileRef | null> {
    const { type, value } = args.identity;
    if (args.asOf || args.knownAt)
      return this.profiles.findByIdentity(type, value, args.asOf, args.knownAt);
    // Today's profile comes with its values: its traits field reads them from the request's loader.
    const current = await this.profiles.current(type, value);
    if (!current) return null;
    ctx.loaders.values.prime(current.id, current.values);
    return { id: current.id, revision: current.revision, asOf: null };
  }

  @Query(() => [ProfileModel], {
    name: 'profiles',
    nullable: 'items',
    description: `Profiles of up to ${MAX_BATCH_LOOKUP} identities in one lookup, in the order asked (null where none)`,
  })
  profilesOf(@Args() args: ProfilesArgs): Promise<(ProfileRef | null)[]> {
    return this.profiles.findManyByIdentity(args.identities);
  }

  @ResolveField(() => [IdentityModel])
  async identities(
    @Parent() ref: ProfileRef,
    @Context() ctx: GqlContext,
  ): Promise<IdentityModel[]> {
    return isHistorical(ref)
      ? this.profiles.identitiesAt(ref)
      : ctx.loaders.identities.load(ref.id);
  }

  @ResolveField(() => [MergeLogEntryModel], {
    description: 'Merges and unmerges this profile took part in, oldest first',
  })
  merges(@Parent() ref: ProfileRef, @Context() ctx: GqlContext): Promise<MergeLogEntryModel[]> {
    return isHistorical(ref) ? this.profiles.mergesAt(ref) : ctx.loaders.merges.load(ref.id);
  }

  @ResolveField(() => [TraitValueModel])
  async traits(
    @Parent() ref: ProfileRef,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: GqlContext,
    @Args('names', { type: () => [String], nullable: true }) names?: string[],
  ): Promise<TraitView[]> {
    if (isHistorical(ref))
      return this.profiles.viewsOf(principal, ref, await this.profiles.storedValues(ref), names);
    const stored = await ctx.loaders.values.load(ref.id);
    return this.profiles.fromCurrentViews(principal, ref.id, stored, names, 'views', views);
  }

  @ResolveField(() => TraitValueModel)
  trait(
    @Parent() ref: ProfileRef,
    @CurrentPrincipal() principal: Principal,
    @Args('name') name: string,
  ): Promise<TraitView> {
    return this.profiles.trait(principal, ref, name);
  }

  @ResolveField(() => [TraitRevisionModel], {
    description: 'Revisions of one trait, newest first, a page at a time',
  })
  history(
    @Parent() ref: ProfileRef,
    @CurrentPrincipal() principal: Principal,
    @Args('trait') trait: string,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
    @Args('after', {
      type: () => String,
      nullable: true,
      description: 'The cursor of the last revision of the previous page',
    })
    after?: string | null,
  ): Promise<RevisionView[]> {
    return this.profiles.history(principal, ref, trait, limit, after);
  }
}
