import { LogLevel, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { validationErrorFactory } from './common/errors/validation-errors';
import type { AppConfig } from './config/configuration';
import { httpRequests } from './metrics/metrics';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

// Builds the Nest application (used by main.ts and by the e2e tests).
export async function createApp(config: AppConfig, logLevel: LogLevel = 'log'): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 5 * 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: LEVELS.slice(0, LEVELS.indexOf(logLevel) + 1),
    bufferLogs: false,
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationErrorFactory,
    }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (req, reply, done) => {
    httpRequests.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  app.enableShutdownHooks();
  return app;
}
