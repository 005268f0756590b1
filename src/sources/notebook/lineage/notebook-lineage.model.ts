import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../../common/graphql/date-time.scalar';

@ObjectType('NotebookLineage', { description: 'The notebook a trait is predicted by' })
export class NotebookLineageModel {
  @Field({ description: 'The notebook path as declared' }) path!: string;
  @Field(() => String, { nullable: true, description: 'Cron schedule, when scheduled' })
  schedule!: string | null;

  @Field(() => String, { nullable: true, description: 'Model version of the latest predictions' })
  modelVersion!: string | null;

  @Field(() => String, { nullable: true, description: 'Run id of the latest predictions' })
  runId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Rows in the latest predictions' })
  rows!: number | null;

  @Field(() => DateTime, { nullable: true }) recordedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'sha256 of the notebook at its latest scheduled run here',
  })
  notebookSha256!: string | null;
}
