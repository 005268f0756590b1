import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

// Empty handlers on the same HTTP adapter as the product (Nest on Fastify), no database: the
// baseline for single-event ingestion (parses the body, answers like the ingest route) and for
// profile reads (answers BENCH_BODY, a profile's JSON held in memory).
const PROFILE_BODY: unknown = JSON.parse(process.env.BENCH_BODY ?? '{}');

@Controller('v1')
class EmptyController {
  @Post(':type')
  @HttpCode(200)
  receive(@Body() _body: unknown): { success: boolean } {
    return { success: true };
  }

  @Get('profiles/:identity/traits')
  traits(): unknown {
    return PROFILE_BODY;
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
