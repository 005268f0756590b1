import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMinSize,
  IsDate,
  IsHexadecimal,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { DateTime } from '../../../../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../../../../common/graphql/json.scalar';

@InputType()
export class PredictionRowInput {
  // Checked per row against the contract, like a CSV cell, so the error names the row.
  @Field({ description: "Value of the source's declared identity type (output.identity.type)" })
  @Allow()
  identity!: string;

  @Field(() => GraphQLJSON, { description: 'The predicted value, of the trait type' })
  @Allow()
  value!: unknown;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the row was scored (default: first push time)',
  })
  @IsOptional()
  @IsDate()
  scoredAt?: Date;
}

@ArgsType()
export class RecordPredictionsArgs {
  @Field()
  @IsString()
  @Length(1, 200)
  trait!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  modelVersion!: string;

  @Field({
    description:
      'Run id of the notebook run elsewhere; (trait, modelVersion, runId) is the idempotency key',
  })
  @IsString()
  @Length(1, 200)
  runId!: string;

  // No count limit: the request body limit bounds a GraphQL call; larger outputs stream through
  // POST /v1/predictions.
  @Field(() => [PredictionRowInput])
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PredictionRowInput)
  rows!: PredictionRowInput[];

  @Field({
    nullable: true,
    description: 'sha256 of the notebook that produced the rows, kept in provenance',
  })
  @IsOptional()
  @IsHexadecimal()
  @Length(64, 64)
  notebookSha256?: string;
}
