import { Field, ObjectType } from '@nestjs/graphql';
import { RunModel } from './run.model';

@ObjectType('RunTriggered')
export class RunTriggeredModel {
  @Field({ description: 'dbt | notebook | …' }) kind!: string;
  @Field({ description: 'The source key the reference resolved to' }) source!: string;
  @Field() jobId!: string;
  @Field({ description: 'The run finished within waitSeconds' }) finished!: boolean;
  @Field(() => RunModel, {
    nullable: true,
    description: 'The run, when one began within waitSeconds (finished or still running)',
  })
  run!: RunModel | null;
}
