import { ArgsType, Field, Float } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { IdentityInput } from '../profiles/dto/identity.input';

@ArgsType()
export class ProfileChangedArgs {
  @Field(() => IdentityInput)
  @ValidateNested()
  @Type(() => IdentityInput)
  identity!: IdentityInput;

  @Field(() => [String], {
    nullable: true,
    description: 'Only changes of these traits (default: every trait the key may read)',
  })
  @IsOptional()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  traits?: string[];

  @Field(() => Float, {
    nullable: true,
    description: 'The last position received: first sends every change after it',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  after?: number;
}
