import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import { canReadTrait, Principal } from '../../api-keys/scopes';
import type { ProfileRef } from '../../profiles/profile-ref';
import { ProfilesService } from '../../profiles/profiles.service';
import { ProfileModel } from '../../profiles/profile.model';
import { AUDIENCE_PREFIX } from '../../trait-definitions/rules/reserved-names';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { ProfileAudienceModel } from './audience-preview.model';

// Profile.audiences: the audiences the profile is a member of (now, or as of the profile's
// asOf and knownAt — a read of the past answers from dated facts), read from its membership traits like any other trait, with the same access rules.
@Resolver(() => ProfileModel)
@RequireScopes('profile:read')
export class ProfileAudiencesResolver {
  constructor(
    private readonly registry: TraitRegistry,
    private readonly profiles: ProfilesService,
  ) {}

  @ResolveField(() => [ProfileAudienceModel], {
    description: 'Audiences the profile is a member of, by slug',
  })
  async audiences(
    @Parent() ref: ProfileRef,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ProfileAudienceModel[]> {
    const [values, defs] = await Promise.all([
      this.profiles.storedValues(ref),
      this.registry.byIdMap(),
    ]);
    return values
      .map((v) => ({ v, def: defs.get(v.traitId) }))
      .filter(({ v, def }) => def && def.name.startsWith(AUDIENCE_PREFIX) && v.value === true)
      .filter(({ def }) => canReadTrait(principal, def!) && (ref.asOf !== null || !def!.retired))
      .map(({ v, def }) => ({
        slug: def!.name.slice(AUDIENCE_PREFIX.length),
        trait: def!.name,
        since: v.validFrom,
      }))
      .sort((a, b) => a.slug.localeCompare(b.slug));
  }
}
