import { Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { CurrentPrincipal } from '../../../api-keys/current-principal.decorator';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import type { Principal } from '../../../api-keys/scopes';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/configuration';
import { PredictionsUploadQuery } from './dto/predictions-upload.query';
import { readOutput } from './output-reader';
import { PredictionPushes } from './prediction-pushes.service';
import type { PredictionsResultModel } from './predictions-result.model';
import { uploadFormat } from './upload-body';

// Streaming upload of a notebook output run elsewhere: CSV (text/csv) or JSON lines (application/x-ndjson).
@Controller('v1/predictions')
export class PredictionsController {
  constructor(
    private readonly pushes: PredictionPushes,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('traits:write')
  upload(
    @Query() query: PredictionsUploadQuery,
    @Req() req: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PredictionsResultModel> {
    const format = uploadFormat(req.headers['content-type']);
    if (!format) {
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        'content-type: must be text/csv or application/x-ndjson',
      );
    }
    return this.pushes.push(query, principal, (builder) =>
      readOutput(
        req.body as Readable,
        format,
        builder,
        this.config.predictionsMaxUploadBytes ?? null,
      ),
    );
  }
}
