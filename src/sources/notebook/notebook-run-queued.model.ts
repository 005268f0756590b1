import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('NotebookRunQueued')
export class NotebookRunQueuedModel {
  @Field(() => ID) jobId!: string;

  @Field({ description: 'The notebook source: its path as declared' })
  notebook!: string;
}
