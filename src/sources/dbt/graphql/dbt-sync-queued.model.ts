import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('DbtSyncQueued')
export class DbtSyncQueuedModel {
  @Field({ description: 'The source key: the model unique_id' }) source!: string;
  @Field(() => ID) jobId!: string;
}
