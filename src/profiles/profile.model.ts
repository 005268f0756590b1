import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTime } from '../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../common/graphql/json.scalar';

export enum TraitStatusEnum {
  present = 'present',
  stale = 'stale',
  missing = 'missing',
}
registerEnumType(TraitStatusEnum, { name: 'TraitStatus' });

@ObjectType('IdentityRef')
export class IdentityRefModel {
  @Field() type!: string;
  @Field() value!: string;
}

@ObjectType('Identity')
export class IdentityModel {
  @Field() type!: string;
  @Field() value!: string;
  @Field() sourceKind!: string;
  @Field(() => DateTime) firstSeenAt!: Date;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Null on a profile read as of a past time: sightings are not kept over time',
  })
  lastSeenAt!: Date | null;
}

@ObjectType('Provenance')
export class ProvenanceModel {
  @Field() sourceKind!: string;
  @Field(() => GraphQLJSON) sourceRef!: Record<string, unknown>;
  @Field(() => String, { nullable: true }) runId!: string | null;
  @Field(() => Int) definitionVersion!: number;
  @Field(() => String, { nullable: true }) modelVersion!: string | null;
  @Field(() => DateTime) observedAt!: Date;
  @Field(() => DateTime) ingestedAt!: Date;
  @Field(() => IdentityRefModel, { description: 'The identity the value arrived through' })
  identity!: IdentityRefModel;
}

@ObjectType('TraitValue')
export class TraitValueModel {
  @Field() name!: string;
  @Field() type!: string;
  @Field(() => GraphQLJSON, { nullable: true }) value!: unknown;
  @Field(() => DateTime, { nullable: true }) updatedAt!: Date | null;
  @Field(() => TraitStatusEnum) status!: TraitStatusEnum;
  @Field(() => ProvenanceModel, { nullable: true }) provenance!: ProvenanceModel | null;
}

@ObjectType('TraitRevision')
export class TraitRevisionModel {
  @Field(() => GraphQLJSON, { nullable: true }) value!: unknown;
  @Field(() => DateTime) validFrom!: Date;
  @Field(() => DateTime, { nullable: true }) validTo!: Date | null;
  @Field(() => ProvenanceModel) provenance!: ProvenanceModel;
  @Field({ description: 'Pass as history(after:) to read the revisions older than this one' })
  cursor!: string;
}

@ObjectType('Profile')
export class ProfileModel {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Bumped on every change to the profile' }) revision!: number;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Set when the profile is read as of a past time',
  })
  asOf!: Date | null;
  @Field(() => DateTime, {
    nullable: true,
    description: 'Set when the profile is read as of a past time: only what was recorded by then',
  })
  knownAt?: Date | null;
}
