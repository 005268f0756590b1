import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('AudienceGroupCount', {
  description: 'Profiles matching one member of the top-level group alone',
})
export class AudienceGroupCountModel {
  @Field({
    description: 'JSON pointer into the rule, e.g. /all/0 ("" for a rule of one condition)',
  })
  pointer!: string;
  @Field(() => Int) size!: number;
}

@ObjectType('AudienceSampleMember')
export class AudienceSampleMemberModel {
  @Field(() => ID) profileId!: string;
  @Field(() => GraphQLJSON, { description: 'Non-PII traits readable with profile:read, by name' })
  traits!: Record<string, unknown>;
}

@ObjectType('AudiencePreview')
export class AudiencePreviewModel {
  @Field(() => DateTime, { description: 'The moment evaluated' }) asOf!: Date;
  @Field(() => Int) size!: number;
  @Field(() => [AudienceGroupCountModel]) groups!: AudienceGroupCountModel[];
  @Field(() => [AudienceSampleMemberModel], { description: 'Up to 10 members, by profile id' })
  sample!: AudienceSampleMemberModel[];
}

@ObjectType('AudienceEvaluationQueued')
export class AudienceEvaluationQueuedModel {
  @Field() slug!: string;
  @Field() jobId!: string;
}

@ObjectType('ProfileAudience', { description: 'An audience the profile is a member of' })
export class ProfileAudienceModel {
  @Field() slug!: string;
  @Field({ description: 'audience:<slug>' }) trait!: string;
  @Field(() => DateTime) since!: Date;
}
