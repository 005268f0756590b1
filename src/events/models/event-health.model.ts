import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('EventHealth', {
  description: 'A planned event with an expected minimum rate, and whether it went silent',
})
export class EventHealthModel {
  @Field({ description: 'Plan key: type:name, e.g. track:Order Completed' })
  key!: string;

  @Field()
  type!: string;

  @Field(() => String, { nullable: true })
  event!: string | null;

  @Field(() => Int, { description: 'Expected minimum number of messages per window' })
  expectedMin!: number;

  @Field({ description: 'The window, as declared (e.g. 1h)' })
  window!: string;

  @Field(() => Int, { description: 'Messages received within the last window' })
  count!: number;

  @Field({ description: 'True when count is below expectedMin' })
  silent!: boolean;

  @Field(() => Date, {
    nullable: true,
    description: 'Minute of the latest message seen (within 8 days)',
  })
  lastSeenAt!: Date | null;
}
