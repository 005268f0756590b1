import { ArgsType, Field, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IdentityInput } from '../../profiles/dto/identity.input';
import { MAX_VIOLATIONS } from '../merge-log.service';

@ArgsType()
export class MergeProfilesArgs {
  @Field(() => IdentityInput, { description: 'Its profile survives' })
  @ValidateNested()
  @Type(() => IdentityInput)
  into!: IdentityInput;

  @Field(() => IdentityInput, { description: 'Its profile is merged into the other' })
  @ValidateNested()
  @Type(() => IdentityInput)
  from!: IdentityInput;

  @Field({ defaultValue: false, description: 'Merge even when a per-profile limit would break' })
  @IsOptional()
  @IsBoolean()
  force: boolean = false;
}

@ArgsType()
export class UnmergeIdentityArgs {
  @Field(() => IdentityInput)
  @ValidateNested()
  @Type(() => IdentityInput)
  identity!: IdentityInput;
}

@ArgsType()
export class IdentityViolationsArgs {
  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(MAX_VIOLATIONS)
  limit: number = 50;
}

@ArgsType()
export class PreviewIdentityRulesArgs {
  @Field({ description: 'A whole identity.yaml' })
  @IsString()
  @Length(0, 256 * 1024)
  yaml!: string;
}
