import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('RunCounts')
export class RunCountsModel {
  @Field(() => Int, { description: 'Source rows read (dbt: warehouse rows)' }) read!: number;
  @Field(() => Int, { description: 'Trait values that changed: revisions written' })
  changed!: number;
  @Field(() => Int, { description: 'Trait values confirmed unchanged' }) unchanged!: number;
  @Field(() => Int, { description: 'Trait values rejected' }) rejected!: number;
}

@ObjectType('RunRejection')
export class RunRejectionModel {
  @Field(() => String, { nullable: true }) trait!: string | null;
  @Field({ description: 'Which rule the value broke (never the value itself)' }) reason!: string;
}

@ObjectType('Run', {
  description: 'One execution of a source: a dbt sync, a notebook run, an API write…',
})
export class RunModel {
  @Field(() => ID) id!: string;
  @Field() sourceKind!: string;
  @Field({ description: 'Which source: the dbt model unique_id, the notebook path, …' })
  source!: string;
  @Field({ description: 'running | succeeded | failed | skipped' }) status!: string;
  @Field(() => RunCountsModel) counts!: RunCountsModel;
  @Field(() => [RunRejectionModel], { description: 'Up to 20 sample reasons' })
  rejectedSample!: RunRejectionModel[];
  @Field(() => String, { nullable: true, description: 'Why the run failed or was skipped' })
  error!: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) highWaterMark!: unknown;
  @Field(() => GraphQLJSON, {
    description: 'Trigger, dbt invocation id, mode (incremental | full)…',
  })
  metadata!: Record<string, unknown>;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime, { nullable: true }) finishedAt!: Date | null;
  @Field(() => Int, { nullable: true }) durationMs!: number | null;
}
