import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PredictionsResult')
export class PredictionsResultModel {
  @Field({ description: 'The run id the values carry in provenance' }) runId!: string;
  @Field(() => ID, { description: 'The Traitbase run that recorded this push' })
  traitbaseRunId!: string;
  @Field() modelVersion!: string;
  @Field(() => Int, { description: 'Rows (identities) in the output' }) rows!: number;
  @Field(() => Int, { description: 'Revisions written: real changes only' }) revisions!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int, {
    description: 'Rows left out because their identity is unknown (unknown_identities: skip)',
  })
  skippedIdentities!: number;
  @Field(() => [String], { description: 'Traits written by this call' }) written!: string[];
  @Field(() => [String], {
    description: 'Traits already recorded under this (modelVersion, runId): nothing done',
  })
  alreadyRecorded!: string[];
  @Field({ description: 'True when every trait was already recorded: the call changed nothing' })
  duplicate!: boolean;
}
