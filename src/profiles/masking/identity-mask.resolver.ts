import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { AuthedRequest } from '../../api-keys/scopes.guard';
import { IdentityModel, IdentityRefModel } from '../profile.model';
import { maskIdentityValue } from './pii-mask';

interface MaskContext {
  req?: AuthedRequest;
}

// Every identity GraphQL answers (Profile.identities, merges, provenance, explain, violations,
// subscriptions) is one of these two types: masking their `value` here covers every path at once.
@Resolver(() => IdentityModel)
export class IdentityMaskResolver {
  @ResolveField(() => String, {
    description: 'The value; "[redacted]" for a PII type without profile:read:pii',
  })
  value(@Parent() identity: IdentityModel, @Context() ctx: MaskContext): string {
    return maskIdentityValue(ctx.req?.principal, identity.type, identity.value);
  }
}

@Resolver(() => IdentityRefModel)
export class IdentityRefMaskResolver {
  @ResolveField(() => String, {
    description: 'The value; "[redacted]" for a PII type without profile:read:pii',
  })
  value(@Parent() identity: IdentityRefModel, @Context() ctx: MaskContext): string {
    return maskIdentityValue(ctx.req?.principal, identity.type, identity.value);
  }
}
