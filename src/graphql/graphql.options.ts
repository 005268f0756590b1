import { MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyRequest } from 'fastify';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { ApiKeysService } from '../api-keys/api-keys.service';
import type { Principal } from '../api-keys/scopes';
import { maxFieldsRule } from '../common/graphql/complexity.rule';
import { formatGraphqlErrors } from '../common/graphql/error-formatter';
import type { AppConfig } from '../config/configuration';
import type { ProfilesLoaderFactory } from '../profiles/profiles.loader';

export const MAX_QUERY_DEPTH = 10;

// Mercurius with JIT after the first call, depth and field-count limits, one error formatter,
// per-request DataLoaders, and subscriptions over graphql-ws authenticated on connection_init.
export function graphqlOptions(
  config: AppConfig,
  loaders: ProfilesLoaderFactory,
  apiKeys: ApiKeysService,
): MercuriusDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: process.env.NODE_ENV === 'production' ? true : 'schema.gql',
    sortSchema: true,
    graphiql: config.introspection,
    jit: 1,
    queryDepth: MAX_QUERY_DEPTH,
    // Off means off for everyone, with or without a key (GRAPHQL_INTROSPECTION).
    validationRules: config.introspection
      ? [maxFieldsRule()]
      : [maxFieldsRule(), NoSchemaIntrospectionCustomRule],
    errorFormatter: (execution, context) => formatGraphqlErrors(execution, context),
    context: (req: FastifyRequest) => ({ req, loaders: loaders.create() }),
    subscription: {
      fullWsTransport: true,
      context: (_socket: unknown, req: FastifyRequest) => ({ req, loaders: loaders.create() }),
      // connection_init {apiKey}: an unknown or revoked key is refused here, before any subscribe.
      onConnect: async ({ payload }: { payload?: { apiKey?: unknown } }) => {
        const key = payload?.apiKey;
        if (typeof key !== 'string' || key === '') return false;
        const principal = await apiKeys.authenticate(key);
        return principal ? ({ principal } satisfies { principal: Principal }) : false;
      },
    },
  };
}
