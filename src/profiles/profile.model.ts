import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
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
  @Field(() => GraphQLISODateTime) firstSeenAt!: Date;
  @Field(() => GraphQLISODateTime, {
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
  @Field(() => GraphQLISODateTime) observedAt!: Date;
  @Field(() => GraphQLISODateTime) ingestedAt!: Date;
  @Field(() => IdentityRefModel, { description: 'The identity the value arrived through' })
  identity!: IdentityRefModel;
}

@ObjectType('TraitValue')
export class TraitValueModel {
  @Field() name!: string;
  @Field() type!: string;
  @Field(() => GraphQLJSON, { nullable: true }) value!: unknown;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
  @Field(() => TraitStatusEnum) status!: TraitStatusEnum;
  @Field(() => ProvenanceModel, { nullable: true }) provenance!: ProvenanceModel | null;
}

@ObjectType('TraitRevision')
export class TraitRevisionModel {
  @Field(() => GraphQLJSON, { nullable: true }) value!: unknown;
  @Field(() => GraphQLISODateTime) validFrom!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) validTo!: Date | null;
  @Field(() => ProvenanceModel) provenance!: ProvenanceModel;
  @Field({ description: 'Pass as history(after:) to read the revisions older than this one' })
  cursor!: string;
}

@ObjectType('Profile')
export class ProfileModel {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'Bumped on every change to the profile' }) revision!: number;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Set when the profile is read as of a past time',
  })
  asOf!: Date | null;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Set when the profile is read as of a past time: only what was recorded by then',
  })
  knownAt?: Date | null;
}
