import { Field, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { MergeLogEntryModel } from '../identity/graphql/identity.models';
import {
  IdentityRefModel,
  ProfileModel,
  ProvenanceModel,
  TraitValueModel,
} from '../profiles/profile.model';
import { TraitDefinitionVersionModel } from '../trait-definitions/trait-definition.model';

@ObjectType('ExplainedValue', { description: 'A value served at the instant explained' })
export class ExplainedValueModel {
  @Field(() => TraitValueModel) trait!: TraitValueModel;
  @Field(() => TraitDefinitionVersionModel, {
    nullable: true,
    description: 'The definition as of the version that produced the value',
  })
  definition!: TraitDefinitionVersionModel | null;
  @Field(() => MergeLogEntryModel, {
    nullable: true,
    description:
      'The merge (or unmerge) that brought the identity the value arrived through onto the profile; null when it was there from the start',
  })
  merge!: MergeLogEntryModel | null;
}

@ObjectType('AudienceMembership', {
  description: 'Membership of an audience at the instant explained',
})
export class AudienceMembershipModel {
  @Field() audience!: string;
  @Field(() => DateTime, { nullable: true }) since!: Date | null;
}

@ObjectType('ExplainChange', {
  description:
    'A change in the 24 h before the instant explained: a trait value (with its provenance) or the identities (with the merge log entry)',
})
export class ExplainChangeModel {
  @Field({ description: 'trait, merge, unmerge or identity (an identity recorded on the profile)' })
  kind!: string;
  @Field(() => DateTime, {
    description: 'trait: when the value became true (observedAt); otherwise when it was recorded',
  })
  at!: Date;
  @Field(() => String, { nullable: true }) trait!: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after!: unknown;
  @Field(() => ProvenanceModel, { nullable: true }) provenance!: ProvenanceModel | null;
  @Field(() => MergeLogEntryModel, { nullable: true }) merge!: MergeLogEntryModel | null;
  @Field(() => IdentityRefModel, { nullable: true }) identity!: IdentityRefModel | null;
  @Field({ description: 'Pass as changes(after:) to read the older changes' }) cursor!: string;
}

@ObjectType('ExplainChangePage')
export class ExplainChangePageModel {
  @Field(() => [ExplainChangeModel], { description: 'Newest first' }) nodes!: ExplainChangeModel[];
  @Field(() => String, { nullable: true, description: 'Null on the last page' })
  nextCursor!: string | null;
}

@ObjectType('ExplainCorrection', {
  description:
    'A value recorded after `knownAt` that was valid at the instant explained (a late row, a backfill)',
})
export class ExplainCorrectionModel {
  @Field() trait!: string;
  @Field(() => GraphQLJSON, { nullable: true }) value!: unknown;
  @Field(() => DateTime) validFrom!: Date;
  @Field(() => DateTime, { description: 'When Traitbase recorded it' }) arrivedAt!: Date;
  @Field(() => ProvenanceModel) provenance!: ProvenanceModel;
  @Field({ description: 'Pass as corrections(after:) to read the later ones' }) cursor!: string;
}

@ObjectType('ExplainCorrectionPage')
export class ExplainCorrectionPageModel {
  @Field(() => [ExplainCorrectionModel], { description: 'In the order they arrived' })
  nodes!: ExplainCorrectionModel[];
  @Field(() => String, { nullable: true, description: 'Null on the last page' })
  nextCursor!: string | null;
}

@ObjectType('Explanation', {
  description: 'What was served for an identity at an instant, and why (docs/time-travel.md)',
})
export class ExplanationModel {
  @Field(() => DateTime) at!: Date;
  @Field(() => DateTime, {
    description: 'What had been recorded by then is the answer (default `at`)',
  })
  knownAt!: Date;
  @Field(() => ProfileModel, {
    description: 'The profile the identity was on then, read as of `at` and as known at `knownAt`',
  })
  profile!: ProfileModel;
}
