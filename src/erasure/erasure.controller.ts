import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { CurrentPrincipal } from '../api-keys/current-principal.decorator';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import type { Principal } from '../api-keys/scopes';
import { parseIdentityParam } from '../profiles/profiles.controller';
import { ErasureService, ErasureStatus } from './erasure.service';

// DELETE /v1/profiles/{type}:{value} answers 202 with the request; GET /v1/erasures/{id} its status.
@Controller('v1')
@RequireScopes('admin')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Delete('profiles/:identity')
  @HttpCode(202)
  erase(
    @Param('identity') param: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ErasureStatus> {
    const { type, value } = parseIdentityParam(param);
    return this.erasure.request(type, value, principal.keyId);
  }

  @Get('erasures/:id')
  status(@Param('id', ParseUUIDPipe) id: string): Promise<ErasureStatus> {
    return this.erasure.status(id);
  }
}
