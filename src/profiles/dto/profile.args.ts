import { ArgsType, Field, GraphQLISODateTime } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsOptional, ValidateNested } from 'class-validator';
import { IdentityInput } from './identity.input';

@ArgsType()
export class ProfileArgs {
  @Field(() => IdentityInput)
  @ValidateNested()
  @Type(() => IdentityInput)
  identity!: IdentityInput;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Read the profile exactly as it was at this time',
  })
  @IsOptional()
  @IsDate()
  asOf?: Date;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'Answer with only what had been recorded by this time (default now; asOf defaults to it)',
  })
  @IsOptional()
  @IsDate()
  knownAt?: Date;
}
