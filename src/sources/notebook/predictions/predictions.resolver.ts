import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import type { Principal } from '../../../api-keys/scopes';
import { RecordPredictionsArgs } from './dto/record-predictions.args';
import { PredictionPushes } from './prediction-pushes.service';
import { PredictionsResultModel } from './predictions-result.model';

@Resolver()
export class PredictionsResolver {
  constructor(private readonly pushes: PredictionPushes) {}

  @Mutation(() => PredictionsResultModel, {
    description: 'Record the predictions of a notebook run elsewhere, for one trait',
  })
  @RequireScopes('traits:write')
  recordPredictions(
    @Args() args: RecordPredictionsArgs,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PredictionsResultModel> {
    return this.pushes.push(args, principal, async (builder) => {
      for (const row of args.rows) {
        builder.addTyped(row.identity, [row.value], row.scoredAt);
        await builder.drain();
      }
    });
  }
}
