import { MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyRequest } from 'fastify';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { AddressLimiter } from '../api-keys/address-limiter.service';
import type { Principal } from '../api-keys/scopes';
import { maxFieldsRule } from '../common/graphql/complexity.rule';
import { DateTime } from '../common/graphql/date-time.scalar';
import { formatGraphqlErrors } from '../common/graphql/error-formatter';
import type { AppConfig } from '../config/configuration';
import type { ProfilesLoaderFactory } from '../profiles/profiles.loader';

export const MAX_QUERY_DEPTH = 10;
// graphql-ws's close code for a connection_init that is refused.
export const FORBIDDEN_CLOSE_CODE = 4403;

// Mercurius calls onConnect as a method of the connection; a refusal closes its socket (left to
// Mercurius, the answer is connection_error, a message of the older subscriptions-transport-ws
// protocol that a graphql-ws client can only take for a protocol error).
interface RefusableConnection {
  socket?: { close(code: number, reason: string): void };
  resolveContext?: () => { req?: FastifyRequest };
}

// Mercurius with JIT after the first call, depth and field-count limits, one error formatter,
// per-request DataLoaders, and subscriptions over graphql-ws authenticated on connection_init.
export function graphqlOptions(
  config: AppConfig,
  loaders: ProfilesLoaderFactory,
  addresses: AddressLimiter,
): MercuriusDriverConfig {
  return {
    path: '/graphql',
    autoSchemaFile: process.env.NODE_ENV === 'production' ? true : 'schema.gql',
    sortSchema: true,
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTime }] },
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
      // connection_init {apiKey}: a missing, unknown or revoked key is refused here, before any
      // subscribe, by closing the socket with 4403 Forbidden (graphql-ws: fatal, clients do not
      // retry); it counts against the client's address like a refused HTTP request.
      onConnect: async function (
        this: RefusableConnection | undefined,
        { payload }: { payload?: { apiKey?: unknown } },
      ) {
        const key = payload?.apiKey;
        const address = this?.resolveContext?.().req?.ip ?? 'unknown';
        const principal = await addresses
          .authenticate(typeof key === 'string' && key !== '' ? key : undefined, address)
          .catch(() => null);
        if (principal) return { principal } satisfies { principal: Principal };
        this?.socket?.close(FORBIDDEN_CLOSE_CODE, 'Forbidden');
        return false;
      },
    },
  };
}
