import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RejectedRow')
export class RejectedRowModel {
  @Field(() => Int, { description: 'Index of the row in the request' }) index!: number;
  @Field({ description: 'Which field broke which rule' }) reason!: string;
}

@ObjectType('WriteTraitsResult')
export class WriteTraitsResultModel {
  @Field(() => ID) runId!: string;
  @Field(() => Int) accepted!: number;
  @Field(() => Int, { description: 'Revisions written: real changes only' }) revisions!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => [RejectedRowModel]) rejected!: RejectedRowModel[];
}
