import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { IdentityInput } from '../../profiles/dto/identity.input';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SLUG_RULE = { message: 'must be lower case letters, digits, - or _ (at most 63)' };

@InputType()
export class SaveDestinationInput {
  @Field() @IsString() @Matches(SLUG, SLUG_RULE) slug!: string;
  @Field(() => GraphQLJSON, {
    description: 'The same shape as a file in trait-definitions/destinations/',
  })
  @IsObject({ message: 'must be an object' })
  config!: unknown;
}

@ArgsType()
export class DestinationSlugArgs {
  @Field() @IsString() @Matches(SLUG, SLUG_RULE) destination!: string;
}

@ArgsType()
export class DeliveryLogArgs extends DestinationSlugArgs {
  @Field(() => Int, { defaultValue: 50 }) @IsInt() @Min(1) @Max(500) first!: number;
  @Field(() => ID, { nullable: true, description: 'Entries older than this id' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'must be an entry id' })
  before?: string;
}

@ArgsType()
export class ReplayArgs extends DestinationSlugArgs {
  @Field(() => [String], {
    nullable: true,
    description: 'Only these; all dead letters when absent',
  })
  @IsOptional()
  @IsUUID('all', { each: true, message: 'each must be a delivery id (uuid)' })
  deliveryIds?: string[];
}

@ArgsType()
export class DataFlowArgs {
  @Field(() => IdentityInput) @ValidateNested() @Type(() => IdentityInput) identity!: IdentityInput;
  @Field(() => Int, { defaultValue: 100 }) @IsInt() @Min(1) @Max(500) first!: number;
}
