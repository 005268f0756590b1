import { MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyRequest } from 'fastify';
import { NoSchemaIntrospectionCustomRule, ValidationRule } from 'graphql';
import { maxFieldsRule } from '../common/graphql/complexity.rule';
import { DateTime } from '../common/graphql/date-time.scalar';
import { maxDepthRule } from '../common/graphql/depth.rule';
import { formatGraphqlErrors } from '../common/graphql/error-formatter';
import type { AppConfig } from '../config/configuration';
import type { ProfilesLoaderFactory } from '../profiles/profiles.loader';

// What every operation is checked against besides the specification's rules, over HTTP and over
// WebSocket: depth and field count; no introspection when it is off (GRAPHQL_INTROSPECTION), for
// everyone, with or without a key.
export function graphqlValidationRules(config: AppConfig): ValidationRule[] {
  const rules = [maxDepthRule(), maxFieldsRule()];
  return config.introspection ? rules : [...rules, NoSchemaIntrospectionCustomRule];
}

// Mercurius with JIT after the first call, the validation rules above, one error formatter and
// per-request DataLoaders. GraphQL over WebSocket on the same path is served by src/graphql/ws,
// which takes over the route Mercurius registers for it.
export function graphqlOptions(
  config: AppConfig,
  loaders: ProfilesLoaderFactory,
): MercuriusDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: process.env.NODE_ENV === 'production' ? true : 'schema.gql',
    sortSchema: true,
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
    graphiql: config.introspection,
    jit: 1,
    validationRules: graphqlValidationRules(config),
    errorFormatter: (execution, context) => formatGraphqlErrors(execution, context),
    context: (req: FastifyRequest) => ({ req, loaders: loaders.create() }),
    subscription: true,
  };
}
