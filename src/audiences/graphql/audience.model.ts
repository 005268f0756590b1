import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('Audience', {
  description:
    'A rule over traits, identities and events; membership is the boolean trait audience:<slug>',
})
export class AudienceModel {
  @Field(() => ID) id!: string;
  @Field() slug!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field(() => Int, { description: 'Version of the definition; every saved change makes one' })
  version!: number;
  @Field(() => GraphQLJSON, {
    description: 'The rule (docs/audiences.md; schema: audienceRuleSchema)',
  })
  rule!: unknown;
  @Field({ description: 'The membership trait: audience:<slug>' }) trait!: string;
  @Field({ description: 'api (saved through the API) or yaml (trait-definitions/audiences/)' })
  origin!: string;
  @Field(() => String, { nullable: true, description: 'For origin yaml: the file' }) file!:
    string | null;
  @Field({ description: 'Defined in a file: saveAudience and archiveAudience refuse it' })
  readOnly!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'Cron of scheduled full evaluations, as saved',
  })
  schedule!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'The schedule in effect: the saved one, else the default for rules with time windows',
  })
  evaluationSchedule!: string | null;
  @Field(() => Int, { description: 'Members after the latest evaluation' }) size!: number;
  @Field(() => DateTime, { nullable: true, description: 'Last full evaluation' })
  evaluatedAt!: Date | null;
  @Field(() => String, { nullable: true }) lastRunId!: string | null;
  @Field() archived!: boolean;
  @Field(() => DateTime, { nullable: true }) archivedAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType('AudienceVersion')
export class AudienceVersionModel {
  @Field(() => Int) version!: number;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => GraphQLJSON) rule!: unknown;
  @Field(() => String, { nullable: true }) schedule!: string | null;
  @Field({ description: 'The API key name, or the file, that saved it' }) savedBy!: string;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType('AudienceSizePoint', {
  description: 'Size at the end of an hour, with entries and exits in it',
})
export class AudienceSizePointModel {
  @Field(() => DateTime) hour!: Date;
  @Field(() => Int) size!: number;
  @Field(() => Int) entered!: number;
  @Field(() => Int) exited!: number;
}

@ObjectType('AudienceDependencies', { description: 'What the rule reads' })
export class AudienceDependenciesModel {
  @Field(() => [String]) traits!: string[];
  @Field(() => [String]) identities!: string[];
  @Field(() => [String]) events!: string[];
  @Field(() => [String]) audiences!: string[];
  @Field({
    description: 'Some condition is measured back from now: scheduled evaluations keep it exact',
  })
  timeDependent!: boolean;
}
