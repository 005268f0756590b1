import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { IdentityRefModel } from '../../profiles/profile.model';

@ObjectType('MergeCause')
export class MergeCauseModel {
  @Field({ description: 'event, dbt, api, manual, …' }) kind!: string;
  @Field(() => String, { nullable: true, description: 'Message id, run id or API key id' }) ref!:
    string | null;
}

@ObjectType('MergeLogEntry')
export class MergeLogEntryModel {
  @Field({ description: 'merge or unmerge' }) kind!: string;
  @Field(() => ID) fromProfileId!: string;
  @Field(() => ID) intoProfileId!: string;
  @Field(() => [IdentityRefModel], {
    description: 'merge: the identities seen together; unmerge: the identities moved',
  })
  identities!: IdentityRefModel[];
  @Field(() => MergeCauseModel) cause!: MergeCauseModel;
  @Field({ description: 'observed-together, manual, manual-forced or unmerge' }) rule!: string;
  @Field(() => DateTime, { description: 'When the identities were seen together' })
  at!: Date;
  @Field(() => DateTime, {
    description:
      'When Traitbase recorded it: from then on the identities answer on their new profile',
  })
  recordedAt!: Date;
}

@ObjectType('IdentityViolation', {
  description: 'An observation refused because it would break a per-profile limit',
})
export class IdentityViolationModel {
  @Field({
    description: 'limit: the identity got a profile of its own; merge: its profile was not merged',
  })
  kind!: string;
  @Field(() => IdentityRefModel) identity!: IdentityRefModel;
  @Field(() => ID, { description: 'Where the identity stayed' }) profileId!: string;
  @Field(() => ID, { description: 'The profile it could not join' }) targetProfileId!: string;
  @Field() limitType!: string;
  @Field(() => Int) limit!: number;
  @Field(() => Int, { description: 'What the count of limitType would have become' })
  wouldBe!: number;
  @Field(() => MergeCauseModel) cause!: MergeCauseModel;
  @Field(() => Int) occurrences!: number;
  @Field(() => DateTime) firstSeenAt!: Date;
  @Field(() => DateTime) lastSeenAt!: Date;
}

@ObjectType('MergeProfilesResult')
export class MergeProfilesResultModel {
  @Field(() => ID, { description: 'The surviving profile (the one of `into`)' }) profileId!: string;
  @Field(() => ID) mergedProfileId!: string;
  @Field() forced!: boolean;
}

@ObjectType('UnmergeResult')
export class UnmergeResultModel {
  @Field(() => IdentityRefModel) identity!: IdentityRefModel;
  @Field(() => ID, { description: 'The profile the identity is on now' }) profileId!: string;
  @Field(() => ID, { description: 'The profile it was split from' }) previousProfileId!: string;
  @Field(() => [ID], { description: 'Every profile whose identities changed' })
  profileIds!: string[];
}

@ObjectType('IdentityRulesPreview')
export class IdentityRulesPreviewModel {
  @Field(() => Int, { description: 'Current profiles that would be merged into another' })
  merges!: number;
  @Field(() => Int, { description: 'Extra profiles that would be split off existing ones' })
  splits!: number;
  @Field(() => Int, { description: 'Refusals the replay would record' }) violations!: number;
  @Field(() => Int) profilesBefore!: number;
  @Field(() => Int) profilesAfter!: number;
  @Field(() => Int) identities!: number;
  @Field(() => Int) links!: number;
}
