import { ArgsType, Field } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsArray, IsDate, IsOptional, ValidateNested } from 'class-validator';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { IdentityInput } from './identity.input';

@ArgsType()
export class ProfileArgs {
  @Field(() => IdentityInput)
  @ValidateNested()
  @Type(() => IdentityInput)
  identity!: IdentityInput;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Read the profile exactly as it was at this time',
  })
  @IsOptional()
  @IsDate()
  asOf?: Date;

  @Field(() => DateTime, {
    nullable: true,
    description:
      'Answer with only what had been recorded by this time (default now; asOf defaults to it)',
  })
  @IsOptional()
  @IsDate()
  knownAt?: Date;
}

@ArgsType()
export class ProfilesArgs {
  // The limit (100) is checked by the service, so the error names it in the API's error shape.
  @Field(() => [IdentityInput])
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IdentityInput)
  identities!: IdentityInput[];
}
