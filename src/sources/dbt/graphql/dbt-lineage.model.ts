import { Field, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../../common/graphql/date-time.scalar';

@ObjectType('DbtLineage', { description: 'The dbt model a trait is read from, as last imported' })
export class DbtLineageModel {
  @Field({ description: 'The model as declared: unique_id, or the name a manifest resolves' })
  model!: string;

  @Field(() => String, { nullable: true, description: 'dbt unique_id (null until imported)' })
  uniqueId!: string | null;

  @Field(() => String, { nullable: true }) relation!: string | null;

  @Field(() => String, { nullable: true, description: 'Checksum of the model SQL' })
  checksum!: string | null;

  @Field(() => [String], { description: 'unique_ids the model depends on (dbt depends_on.nodes)' })
  dependsOn!: string[];

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the manifest was imported',
  })
  importedAt!: Date | null;
}
