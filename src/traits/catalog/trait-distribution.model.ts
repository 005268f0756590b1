import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('DistributionBucket')
export class DistributionBucketModel {
  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'The value counted (boolean, category, string; json: its JSON type); null for ranges',
  })
  value!: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Start of a range (number; timestamp as ISO string), inclusive',
  })
  from!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'End of a range' })
  to!: unknown;

  @Field(() => Int) count!: number;
}

@ObjectType('TraitDistribution', {
  description:
    'How the current values of a trait spread: top values, or ranges for numbers and times',
})
export class TraitDistributionModel {
  @Field(() => Int, { description: 'Values counted (non-null current values, in the sample)' })
  values!: number;

  @Field({ description: 'True when counted on a sample of a large table' })
  sampled!: boolean;

  @Field(() => Int, { description: 'Values not in any bucket (beyond the top values)' })
  other!: number;

  @Field(() => [DistributionBucketModel]) buckets!: DistributionBucketModel[];
}
