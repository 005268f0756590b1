import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('Destination', {
  description: 'Where audiences and traits are sent (secrets appear only as env names)',
})
export class DestinationModel {
  @Field() slug!: string;
  @Field() name!: string;
  @Field() kind!: string;
  @Field({ description: 'api or yaml (read-only in the API)' }) origin!: string;
  @Field(() => String, { nullable: true }) file!: string | null;
  @Field(() => [String]) audiences!: string[];
  @Field(() => [String]) traits!: string[];
  @Field() mode!: string;
  @Field(() => GraphQLJSON, { description: 'The definition as in trait-definitions/destinations/' })
  config!: unknown;
  @Field(() => Int, { description: 'Records waiting for delivery' }) pending!: number;
  @Field(() => Int, { description: 'Records dead-lettered (replayDeadLetters sends them again)' })
  dead!: number;
}

@ObjectType('DataFlowEntry', {
  description: 'One record that left for a destination (the data-flow ledger)',
})
export class DataFlowEntryModel {
  @Field(() => ID) id!: string;
  @Field() destination!: string;
  @Field() profileId!: string;
  @Field({ description: 'Also sent with the record: receivers deduplicate by it' })
  deliveryId!: string;
  @Field({ description: 'entered, exited, changed or backfill' }) reason!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The audience (audience:<slug>) or trait that caused it',
  })
  subject!: string | null;
  @Field(() => GraphQLJSON, {
    description:
      'Field → value as sent (hashed where the policy says; personal values in clear are null without profile:read:pii)',
  })
  fields!: Record<string, unknown>;
  @Field(() => String, { nullable: true }) runId!: string | null;
  @Field(() => Int) responseStatus!: number;
  @Field(() => DateTime) deliveredAt!: Date;
}

@ObjectType('DeadLetter', {
  description: 'A record given up on after its attempts, with the reason',
})
export class DeadLetterModel {
  @Field() deliveryId!: string;
  @Field() profileId!: string;
  @Field() reason!: string;
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => DateTime, { nullable: true }) failedAt!: Date | null;
}
