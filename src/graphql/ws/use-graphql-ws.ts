import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { AddressLimiter } from '../../api-keys/address-limiter.service';
import type { AppConfig } from '../../config/configuration';
import { ProfilesLoaderFactory } from '../../profiles/profiles.loader';
import { graphqlValidationRules } from '../graphql.options';
import { graphqlWsServer, serveSocket } from './graphql-ws.server';

// A route as @fastify/websocket reads it.
interface WsRoute {
  url: string;
  wsHandler?: (socket: WebSocket, request: FastifyRequest) => void;
}

// WebSockets on /graphql are served by our graphql-ws server instead of Mercurius's own: the
// route Mercurius registers for them (with @fastify/websocket) is kept, its WebSocket handler
// replaced. To be called before the application initialises, when Mercurius registers its routes.

export function useGraphqlWs(app: NestFastifyApplication, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  let server: ReturnType<typeof graphqlWsServer> | null = null;
  fastify.addHook('onRoute', (options) => {
    const route = options as unknown as WsRoute;
    if (route.url !== '/graphql' || !route.wsHandler) return;
    route.wsHandler = (socket: WebSocket, request: FastifyRequest) => {
      server ??= graphqlWsServer({
        fastify,
        addresses: app.get(AddressLimiter),
        loaders: app.get(ProfilesLoaderFactory),
        validationRules: graphqlValidationRules(config),
      });
      serveSocket(server, socket, request);
    };
  });
}
