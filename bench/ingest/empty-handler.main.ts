import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

// The baseline for single-event requests: the same HTTP adapter (Nest on Fastify) with a handler
// that parses the body and answers like the ingest route, doing nothing else.
@Controller('v1')
class EmptyController {
  @Post(':type')
  @HttpCode(200)
  receive(@Body() _body: unknown): { success: boolean } {
    return { success: true };
  }
}

@Module({ controllers: [EmptyController] })
class EmptyModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    EmptyModule,
    new FastifyAdapter({ bodyLimit: 5 * 1024 * 1024 }),
    {
      logger: ['error'],
    },
  );
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
}

void main();
