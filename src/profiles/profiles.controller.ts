import { Controller, Get, Param, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { ProfileTraitsQuery } from './dto/profile-traits.query';
import { maskIdentity } from './masking/pii-mask';
import { ProfilesService } from './profiles.service';
import type { TraitView } from './trait-view';

export function parseIdentityParam(param: string): { type: string; value: string } {
  const colon = param.indexOf(':');
  if (colon <= 0 || colon === param.length - 1) {
    throw new DomainError(
      ErrorCode.INVALID_INPUT,
      'identity: must be written {type}:{value}, e.g. user_id:42',
    );
  }
  return { type: param.slice(0, colon), value: param.slice(colon + 1) };
}

// Segment Profile API shape: GET /v1/profiles/{type}:{value}/traits?include=a,b&verbose=true,
// and as of a past time with asOf= and knownAt= (docs/time-travel.md).
@Controller('v1/profiles')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get(':identity/traits')
  @RequireScopes('profile:read')
  async traits(
    @Param('identity') identity: string,
    @Query() query: ProfileTraitsQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ traits: Record<string, unknown> }> {
    const { type, value } = parseIdentityParam(identity);
    const at = (iso?: string) => (iso === undefined ? undefined : new Date(iso));
    const ref = await this.profiles.findByIdentityOrThrow(
      type,
      value,
      at(query.asOf),
      at(query.knownAt),
    );
    const names = query.include ? query.include.split(',').filter(Boolean) : undefined;
    const views = await this.profiles.traits(principal, ref, names);
    const shown = (v: TraitView) => (query.verbose ? verbose(principal, v) : v.value);
    return { traits: Object.fromEntries(views.map((v) => [v.name, shown(v)])) };
  }
}

function verbose(principal: Principal, v: TraitView) {
  const provenance = v.provenance && {
    ...v.provenance,
    identity: maskIdentity(principal, v.provenance.identity),
  };
  return { value: v.value, updatedAt: v.updatedAt, status: v.status, provenance };
}
