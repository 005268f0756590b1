import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DocumentNode,
  ExecutionArgs,
  getOperationAST,
  GraphQLError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  ValidationRule,
} from 'graphql';
import { CloseCode, makeServer, ServerOptions } from 'graphql-ws';
import { lru } from 'tiny-lru';
import type { WebSocket } from 'ws';
import type { AddressLimiter } from '../../api-keys/address-limiter.service';
import type { Principal } from '../../api-keys/scopes';
import { formatGraphqlErrors } from '../../common/graphql/error-formatter';
import type { ProfilesLoaderFactory } from '../../profiles/profiles.loader';
import { formatOnce, operationKey, sharedSubscribe } from './shared-subscribe';

const logger = new Logger('GraphqlWs');

// Operations parsed and validated, by their text: every client of a game sends the same few, and
// validating one was most of a subscription's setup (as Mercurius keeps them for HTTP).
const DOCUMENTS_CACHED = 1000;

type Params = Record<string, unknown> | undefined;

interface Extra {
  socket: WebSocket;
  request: FastifyRequest;
  principal?: Principal;
}

// Per operation: what the resolvers and the scopes guard read (one object per operation, so an
// operation counts once against the key's rate limit), and what identifies its results.
interface OperationContext {
  req: FastifyRequest;
  loaders: ReturnType<ProfilesLoaderFactory['create']>;
  principal: Principal;
  operationKey: string;
}

export interface GraphqlWsDeps {
  fastify: FastifyInstance & { graphql?: { schema: GraphQLSchema } };
  addresses: AddressLimiter;
  loaders: ProfilesLoaderFactory;
  validationRules: readonly ValidationRule[];
}

const formatted = (errors: readonly GraphQLError[]) =>
  formatGraphqlErrors({ errors }).response.errors!.map((e) => e.toJSON());

// GraphQL over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on /graphql: queries,
// mutations and subscriptions, authenticated once on connection_init, validated by the same rules
// as HTTP, errors in the same shape. A value a subscription shares among its subscribers
// (common/graphql/shared-payload) is executed once per operation text and variables.
export function graphqlWsServer(deps: GraphqlWsDeps): ReturnType<typeof makeServer<Params, Extra>> {
  const schema = () => {
    const s = deps.fastify.graphql?.schema;
    if (!s) throw new Error('the GraphQL schema is not built yet');
    return s;
  };
  const documents = lru<DocumentNode>(DOCUMENTS_CACHED);
  const checked = (
    query: string,
  ): { document: DocumentNode } | { errors: readonly GraphQLError[] } => {
    const cached = documents.get(query);
    if (cached) return { document: cached };
    let document;
    try {
      document = parse(query);
    } catch (err) {
      return { errors: [err as GraphQLError] };
    }
    const errors = validate(schema(), document, [...specifiedRules, ...deps.validationRules]);
    if (errors.length > 0) return { errors };
    documents.set(query, document);
    return { document };
  };
  const options: ServerOptions<Params, Extra> = {
    schema,
    // A missing, unknown or revoked key is refused here, before any subscribe, with 4403 Forbidden
    // (fatal: clients do not retry); it counts against the client's address like a refused HTTP
    // request.
    onConnect: async (ctx) => {
      const key = ctx.connectionParams?.apiKey;
      const principal = await deps.addresses
        .authenticate(typeof key === 'string' && key !== '' ? key : undefined, ctx.extra.request.ip)
        .catch(() => null);
      if (!principal) return false;
      ctx.extra.principal = principal;
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      const check = checked(payload.query);
      if ('errors' in check) return check.errors;
      const { document } = check;
      const args: ExecutionArgs = {
        schema: schema(),
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: {
          req: ctx.extra.request,
          loaders: deps.loaders.create(),
          principal: ctx.extra.principal!,
          operationKey: operationKey(payload),
        } satisfies OperationContext,
      };
      if (!getOperationAST(document, payload.operationName))
        return [new GraphQLError('Unable to identify operation')];
      return args;
    },
    subscribe: (args) =>
      sharedSubscribe(args, (args.contextValue as OperationContext).operationKey),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? formatOnce(result, (r) => formatGraphqlErrors(r).response) : undefined,
    onError: (_ctx, _id, _payload, errors) => formatted(errors),
  };
  return makeServer(options);
}

// Serves one WebSocket with the server above.
export function serveSocket(
  server: ReturnType<typeof graphqlWsServer>,
  socket: WebSocket,
  request: FastifyRequest,
): void {
  const closed = server.opened(
    {
      protocol: socket.protocol,
      // Not waiting for the bytes to leave: graphql-ws sends a subscription's next push only
      // after this returns.
      send: (data) => {
        if (socket.readyState === socket.OPEN) socket.send(data);
      },
      close: (code, reason) => socket.close(code, reason),
      onMessage: (cb) =>
        socket.on('message', (data: Buffer) => {
          // What failed is logged by name only; the client is told no more than that it did.
          cb(data.toString()).catch((err: Error) => {
            logger.error(`a GraphQL WebSocket message failed: ${err.name}`);
            socket.close(CloseCode.InternalServerError, 'Internal server error');
          });
        }),
    },
    { socket, request },
  );
  socket.once('close', (code: number, reason: Buffer) => void closed(code, reason.toString()));
}
