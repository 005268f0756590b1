import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('EventRejectionReason')
export class RejectionReasonModel {
  @Field({ description: 'JSON pointer into the message, e.g. /properties/total' })
  pointer!: string;

  @Field({ description: 'The rule that was broken, e.g. "must be number"' })
  rule!: string;

  @Field({
    description: 'Short name of the rule (the metric label), e.g. type, required, unplanned',
  })
  keyword!: string;
}

@ObjectType('InvalidEvent', {
  description: 'A message rejected at ingestion (the invalid-events log)',
})
export class InvalidEventModel {
  @Field(() => ID)
  id!: string;

  @Field()
  receivedAt!: Date;

  @Field({ description: 'Name of the write key the message came with' })
  source!: string;

  @Field(() => String, { nullable: true })
  type!: string | null;

  @Field(() => String, { nullable: true })
  event!: string | null;

  @Field(() => String, { nullable: true })
  messageId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Tracking-plan schema version it was checked against',
  })
  schemaVersion!: string | null;

  @Field(() => [RejectionReasonModel])
  reasons!: RejectionReasonModel[];

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The message as received; null when not JSON or over 32 KB',
  })
  payload!: unknown;
}

@ObjectType('FailedEvent', { description: 'An accepted message the workers could not apply' })
export class FailedEventModel {
  @Field(() => ID)
  id!: string;

  @Field()
  receivedAt!: Date;

  @Field()
  type!: string;

  @Field(() => String, { nullable: true })
  event!: string | null;

  @Field()
  messageId!: string;

  @Field()
  failure!: string;
}
