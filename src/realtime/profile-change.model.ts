import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../common/graphql/json.scalar';

@ObjectType('ChangeProvenance')
export class ChangeProvenanceModel {
  @Field() sourceKind!: string;
  @Field(() => GraphQLJSON, { nullable: true }) sourceRef!: Record<string, unknown> | null;
  @Field(() => String, { nullable: true }) runId!: string | null;
  @Field(() => Int, { nullable: true }) definitionVersion!: number | null;
  @Field(() => String, { nullable: true }) modelVersion!: string | null;
  @Field(() => DateTime, { nullable: true }) observedAt!: Date | null;
}

@ObjectType('ProfileChangeItem')
export class ProfileChangeItemModel {
  @Field(() => Float, { description: 'Position on the change feed' }) position!: number;
  @Field({ description: 'trait | audience | correction | identity | merge | unmerge | erase' })
  kind!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Trait (audience:<slug> for memberships) or identity type',
  })
  name!: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) before!: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after!: unknown;
  @Field(() => ChangeProvenanceModel, { nullable: true }) provenance!: ChangeProvenanceModel | null;
  @Field(() => DateTime) at!: Date;
}

@ObjectType('ProfileChange')
export class ProfileChangeModel {
  @Field(() => ID, { description: 'The profile these changes were made to' }) profileId!: string;
  @Field(() => ID, {
    description: 'The profile the subscription follows from now on (after a merge, the survivor)',
  })
  following!: string;
  @Field(() => Int) revision!: number;
  @Field(() => Float, {
    description: 'Resubscribe with after: this position to receive what followed',
  })
  position!: number;
  @Field(() => [ProfileChangeItemModel]) changes!: ProfileChangeItemModel[];
}
