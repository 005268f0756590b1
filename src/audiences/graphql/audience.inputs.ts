import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import {
  Allow,
  IsBoolean,
  IsDate,
  IsDefined,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SLUG_RULE = {
  message:
    'must be lower-case letters, digits, _ or - (at most 63, starting with a letter or digit)',
};

@InputType()
export class SaveAudienceInput {
  @Field({ description: 'Stable name; the membership trait is audience:<slug>' })
  @IsString()
  @Matches(SLUG, SLUG_RULE)
  slug!: string;

  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  owner?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Cron (UTC) of scheduled full evaluations; default: every 15 min for rules with time windows',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  schedule?: string | null;

  // Checked by the rule checker, which names each fault by its JSON pointer.
  @Field(() => GraphQLJSON, { description: 'The rule (docs/audiences.md)' })
  @IsDefined()
  @Allow()
  rule!: unknown;
}

@ArgsType()
export class AudienceSlugArgs {
  @Field()
  @IsString()
  @Matches(SLUG, SLUG_RULE)
  slug!: string;
}

@ArgsType()
export class AudiencesArgs {
  @Field({ defaultValue: false })
  @IsBoolean()
  includeArchived: boolean = false;
}

@ArgsType()
export class AudiencePreviewArgs {
  @Field(() => GraphQLJSON)
  @IsDefined()
  @Allow()
  rule!: unknown;

  @Field(() => DateTime, {
    nullable: true,
    description: 'Who would have matched at this moment',
  })
  @IsOptional()
  @IsDate()
  asOf?: Date;
}

@ArgsType()
export class MembersArgs {
  @Field(() => Int, { defaultValue: 50 })
  @Min(1)
  @Max(500)
  first: number = 50;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page' })
  @IsOptional()
  @Matches(/^[0-9a-f-]{36}$/, { message: 'must be an endCursor' })
  after?: string;
}

@ArgsType()
export class SizeHistoryArgs {
  @Field(() => Int, { defaultValue: 168, description: 'Hours, newest first' })
  @Min(1)
  @Max(2000)
  limit: number = 168;
}
