import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { RunModel } from './run.model';

@ObjectType('RunSummary', {
  description:
    'The latest run of a source that did work, and how many idle incremental runs followed it (docs/ui.md#last-run)',
})
export class RunSummaryModel {
  @Field(() => RunModel, {
    nullable: true,
    description:
      'The latest run that read, changed or rejected a row, evaluated in full, or did not succeed; null when every run was idle',
  })
  run!: RunModel | null;
  @Field(() => Int, {
    description: 'Incremental runs after it that succeeded reading nothing (no change to react to)',
  })
  idleRunsSince!: number;
  @Field(() => DateTime, {
    nullable: true,
    description: 'When the latest of those idle runs started',
  })
  lastIdleRunAt!: Date | null;
}
