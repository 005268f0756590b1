import { Field, InputType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { Type } from 'class-transformer';
import { Allow, ArrayMaxSize, ArrayMinSize, IsDate, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { IdentityInput } from '../../profiles/dto/identity.input';

export const MAX_API_ROWS = 10_000;

@InputType()
export class TraitWriteInput {
  // Identity shape is checked per row by the write path so one bad row does not fail the batch.
  @Field(() => IdentityInput) @Allow()
  identity!: IdentityInput;

  @Field() @IsString()
  trait!: string;

  // Checked against the trait's type per row by the write path.
  @Field(() => GraphQLJSON, { nullable: true, description: 'The value; null clears the trait' }) @Allow()
  value!: unknown;

  @Field(() => DateTime, { nullable: true, description: 'When the value was true at the source (default: now)' })
  @IsOptional() @IsDate()
  observedAt?: Date;
}

@InputType()
export class WriteTraitsInput {
  @Field(() => [TraitWriteInput])
  @ArrayMinSize(1) @ArrayMaxSize(MAX_API_ROWS) @ValidateNested({ each: true }) @Type(() => TraitWriteInput)
  rows!: TraitWriteInput[];

  @Field({ nullable: true, description: 'Caller-side run id kept in provenance (default: a new run)' })
  @IsOptional() @IsString() @Length(1, 200)
  runId?: string;
}
