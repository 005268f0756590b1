import {
  Body,
  Controller,
  HttpCode,
  Param,
  ParseEnumPipe,
  Post,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../api-keys/current-principal.decorator';
import { ScopedBy } from '../../api-keys/scoped-by.decorator';
import type { Principal } from '../../api-keys/scopes';
import { IngestResult, IngestService } from './ingest.service';
import { MESSAGE_TYPES, MessageType } from './limits';
import { WriteKeyGuard } from './write-key.guard';

const ROUTES = [...MESSAGE_TYPES, 'batch'] as const;
type Route = (typeof ROUTES)[number];

// Segment's HTTP tracking API: POST /v1/{identify,track,page,screen,group,alias,batch}, plus a
// dry-run /v1/validate. 200 once the accepted messages are committed; rejected ones are listed
// with reasons (400 when none was accepted). The body is taken as is (no DTO whitelist): the
// Segment spec allows any field, and the rules live in the message checker.
@Controller('v1')
@ScopedBy(WriteKeyGuard, 'ingest')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Post('validate')
  @HttpCode(200)
  validate(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<IngestResult> {
    const batch = typeof body === 'object' && body !== null && 'batch' in body;
    const type = batch ? 'batch' : ((body as { type?: MessageType } | null)?.type ?? 'track');
    return this.ingest.ingest(sourceOf(principal), type, body, true);
  }

  @Post(':type')
  async receive(
    @Param('type', new ParseEnumPipe(ROUTES)) type: Route,
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResult> {
    const result = await this.ingest.ingest(sourceOf(principal), type, body);
    void reply.status(result.accepted === 0 && result.rejected.length > 0 ? 400 : 200);
    return result;
  }
}

function sourceOf(principal: Principal) {
  return { id: principal.keyId, name: principal.name };
}
