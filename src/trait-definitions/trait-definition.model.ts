import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTime } from '../common/graphql/date-time.scalar';
import { GraphQLJSON } from '../common/graphql/json.scalar';

@ObjectType('TraitDefinitionVersion')
export class TraitDefinitionVersionModel {
  @Field(() => Int, { description: 'Counter: 1 for the first version, +1 per change' })
  version!: number;
  @Field({ description: 'SchemaVer MODEL-REVISION-ADDITION of the definition at this version' })
  schemaVersion!: string;
  @Field({ description: 'initial | breaking | revision | addition | retired | restored' })
  change!: string;
  @Field(() => [String], { description: 'What changed, e.g. "type number → string"' })
  reasons!: string[];
  @Field(() => GraphQLJSON, { description: 'The full definition as of this version' })
  spec!: unknown;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType('TraitDefinition')
export class TraitDefinitionModel {
  // Not exposed: the key the versions field loads by.
  definitionId!: number;

  @Field() name!: string;
  @Field({ description: 'boolean | number | string | timestamp | category | json' }) type!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field({ description: 'Values are returned only to keys with profile:read:pii' }) pii!: boolean;
  @Field(() => [String], { description: 'API scopes that may read the value' }) exposure!: string[];
  @Field(() => String, { nullable: true, description: 'Max age before a value is stale, e.g. 2h' })
  freshness!: string | null;
  @Field(() => Int, { nullable: true }) freshnessSeconds!: number | null;
  @Field(() => String, { nullable: true, description: 'Source column the value is read from' })
  column!: string | null;
  @Field(() => [String], { nullable: true, description: 'Allowed values of a category trait' })
  values!: string[] | null;
  @Field({ description: 'dbt | notebook | audience | event | api' }) sourceKind!: string;
  @Field(() => GraphQLJSON, { description: 'The declared source block (kind, model, file, …)' })
  source!: unknown;
  @Field({ description: 'Where the definition is managed: yaml, dbt, api, …' }) origin!: string;
  @Field(() => Int) version!: number;
  @Field() schemaVersion!: string;
  @Field() retired!: boolean;
  @Field(() => DateTime, { nullable: true }) retiredAt!: Date | null;
  @Field(() => DateTime) updatedAt!: Date;
}
