import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import { WriteTraitsInput } from './dto/write-traits.input';
import { ApiTraitWrites } from './api-trait-writes.service';
import { WriteTraitsResultModel } from './write-result.model';

@Resolver()
export class TraitsResolver {
  constructor(private readonly writes: ApiTraitWrites) {}

  @Mutation(() => WriteTraitsResultModel, { description: 'Write trait values with source kind api' })
  @RequireScopes('traits:write')
  writeTraits(@Args('input') input: WriteTraitsInput, @CurrentPrincipal() principal: Principal): Promise<WriteTraitsResultModel> {
    return this.writes.write(input, principal);
  }
}
