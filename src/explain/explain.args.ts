import { ArgsType, Field, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DateTime } from '../common/graphql/date-time.scalar';
import { IdentityInput } from '../profiles/dto/identity.input';

export const MAX_PAGE = 500;

@ArgsType()
export class ExplainArgs {
  @Field(() => IdentityInput)
  @ValidateNested()
  @Type(() => IdentityInput)
  identity!: IdentityInput;

  @Field(() => DateTime, { description: 'The instant to explain (not in the future)' })
  @IsDate()
  at!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'Answer with only what had been recorded by this time (default `at`: what was served then; not in the future)',
  })
  @IsOptional()
  @IsDate()
  knownAt?: Date;
}

@ArgsType()
export class ExplainPageArgs {
  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  first: number = 50;

  @Field(() => String, { nullable: true, description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  after?: string | null;
}
