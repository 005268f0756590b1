import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length, Matches } from 'class-validator';

@InputType()
export class IdentityInput {
  @Field()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,62}$/, { message: 'type must be a snake_case identity type' })
  type!: string;

  @Field()
  @IsString()
  @Length(1, 1024)
  value!: string;
}
