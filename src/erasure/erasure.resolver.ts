import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import { DateTime } from '../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { IdentityInput } from '../profiles/dto/identity.input';
import { ErasureService, ErasureStatus } from './erasure.service';

@ObjectType('Erasure', {
  description: 'An erasure request: running, done or failed, with the rows removed per table',
})
export class ErasureModel {
  @Field(() => ID) id!: string;
  @Field() status!: string;
  @Field(() => GraphQLJSON, { description: 'Rows removed, by table' }) counts!: Record<
    string,
    number
  >;
  @Field(() => DateTime) requestedAt!: Date;
  @Field(() => DateTime, { nullable: true }) finishedAt!: Date | null;
}

@Resolver()
@RequireScopes('admin')
export class ErasureResolver {
  constructor(private readonly erasures: ErasureService) {}

  @Mutation(() => ErasureModel, {
    description:
      'Erase the person holding this identity: every row about them, now and in the future (docs/security.md)',
  })
  eraseProfile(
    @Args('identity', { type: () => IdentityInput }) identity: IdentityInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ErasureStatus> {
    return this.erasures.request(identity.type, identity.value, principal.keyId);
  }

  @Query(() => ErasureModel, { description: 'The status of an erasure request' })
  erasure(@Args('id', { type: () => ID }) id: string): Promise<ErasureStatus> {
    return this.erasures.status(id);
  }
}
