import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from './current-principal.decorator';
import { RateLimiter } from './rate-limiter.service';
import { RequireScopes } from './require-scopes.decorator';
import { effectiveScopes, Principal, SCOPES } from './scopes';
import { ViewerModel } from './viewer.model';

// Who am I: lets a client (the web UI) show what the key may do without trying it.
@Resolver(() => ViewerModel)
@RequireScopes('profile:read', 'admin')
export class ViewerResolver {
  constructor(private readonly limiter: RateLimiter) {}

  @Query(() => ViewerModel, { description: 'The API key making the request and its scopes' })
  viewer(@CurrentPrincipal() principal: Principal): ViewerModel {
    const held = effectiveScopes(principal.scopes);
    return {
      name: principal.name,
      scopes: SCOPES.filter((s) => held.has(s)),
      rateLimit: this.limiter.limitOf(principal),
    };
  }
}
