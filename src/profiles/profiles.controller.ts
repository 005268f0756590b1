import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { createValidationPipe } from '../common/validation-pipe';
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

const NO_QUERY: Readonly<ProfileTraitsQuery> = Object.freeze(new ProfileTraitsQuery());

// Segment Profile API shape: GET /v1/profiles/{type}:{value}/traits?include=a,b&verbose=true,
// and as of a past time with asOf= and knownAt= (docs/time-travel.md).
@Controller('v1/profiles')
export class ProfilesController {
  private readonly validation = createValidationPipe();

  constructor(private readonly profiles: ProfilesService) {}

  // Validated here rather than by the global pipe (the same pipe), so the common read without a
  // query string skips it.
  private async queryOf(params: Record<string, unknown>): Promise<ProfileTraitsQuery> {
    if (Object.keys(params).length === 0) return NO_QUERY;
    return (await this.validation.transform(params, {
      type: 'query',
      metatype: ProfileTraitsQuery,
    })) as ProfileTraitsQuery;
  }

  // Today's values answer from the hot cache: the body itself (serialised once per profile, key
  // scopes and include list, while the values stay cached), or the views for a verbose read.
  @Get(':identity/traits')
  @RequireScopes('profile:read')
  async traits(
    @Param('identity') identity: string,
    @Query() params: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ traits: Record<string, unknown> } | string> {
    const { type, value } = parseIdentityParam(identity);
    const query = await this.queryOf(params);
    const names = query.include ? query.include.split(',').filter(Boolean) : undefined;
    const shown = (views: TraitView[]) => ({
      traits: Object.fromEntries(
        views.map((v) => [v.name, query.verbose ? verbose(principal, v) : v.value]),
      ),
    });
    if (query.asOf !== undefined || query.knownAt !== undefined) {
      const at = (iso?: string) => (iso === undefined ? undefined : new Date(iso));
      const ref = await this.profiles.findByIdentityOrThrow(
        type,
        value,
        at(query.asOf),
        at(query.knownAt),
      );
      return shown(await this.profiles.traits(principal, ref, names));
    }
    const { id, values } = await this.profiles.currentOrThrow(type, value);
    if (query.verbose) {
      const views = (v: TraitView[]) => v;
      return shown(await this.profiles.fromCurrentViews(principal, id, values, names, 'views', views));
    }
    const body = (v: TraitView[]) => JSON.stringify(shown(v));
    void reply.type('application/json; charset=utf-8');
    return this.profiles.fromCurrentViews(principal, id, values, names, 'rest', body, true);
  }
}

function verbose(principal: Principal, v: TraitView) {
  const provenance = v.provenance && {
    ...v.provenance,
    identity: maskIdentity(principal, v.provenance.identity),
  };
  return { value: v.value, updatedAt: v.updatedAt, status: v.status, provenance };
}
