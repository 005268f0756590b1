import { Logger, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { limitAddresses } from './api-keys/address-hooks';
import { AppModule } from './app.module';
import { ApiFastifyAdapter } from './common/http/api-fastify-adapter';
import { useJsonBodyParser } from './common/http/json-body';
import { createValidationPipe } from './common/validation-pipe';
import type { AppConfig } from './config/configuration';
import { useGraphqlWs } from './graphql/ws/use-graphql-ws';
import { requestContext, requestId } from './logging/request-context';
import { httpRequests } from './metrics/metrics';
import { labelRequestSpan } from './tracing/request-span';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

const httpLog = new Logger('HTTP');

// Builds the Nest application (used by main.ts and by the e2e tests). `logger`: the JSON logger in
// production (main.ts); Nest's own text logger otherwise.
export async function createApp(
  config: AppConfig,
  logLevel: LogLevel = 'log',
  logger?: LoggerService,
): Promise<NestFastifyApplication> {
  const adapter = new ApiFastifyAdapter({
    bodyLimit: 5 * 1024 * 1024,
    genReqId: requestId,
    trustProxy: config.trustProxy ?? false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: logger ?? LEVELS.slice(0, LEVELS.indexOf(logLevel) + 1),
    bufferLogs: false,
    // JSON bodies are parsed by useJsonBodyParser below (errors that say what is wrong); no
    // url-encoded form parser: the API takes JSON (ingestion reads any body as JSON).
    bodyParser: false,
  });
  app.useGlobalPipes(createValidationPipe());
  if (config.corsOrigins?.length) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['x-request-id', 'retry-after'],
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  useJsonBodyParser(app);
  useGraphqlWs(app, config);
  // Every log line of a request carries its id, which the response returns as X-Request-Id.
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    labelRequestSpan(req.method, req.routeOptions.url, req.id);
    requestContext.run(req.id, done);
  });
  // Also sets the one error handler, for what Fastify raises itself (an unreadable body).
  limitAddresses(app);
  fastify.addHook('onResponse', (req, reply, done) => {
    requestContext.during(req.id, () =>
      httpLog.debug(
        `${req.method} ${req.routeOptions.url ?? 'unmatched'} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`,
      ),
    );
    httpRequests.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.enableShutdownHooks();
  return app;
}
