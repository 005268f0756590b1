import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../api-keys/public.decorator';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { readWebAsset, webAssetsDir } from './web-assets';

// Paths that belong to the APIs: an unknown one is a 404 in the API's error shape, never the UI.
const API_PREFIXES = ['/graphql', '/graphiql', '/v1', '/health', '/metrics'];

function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

// The web UI: the built files of web/, and index.html for every other GET so that client routes
// (/traits/lifetime_value, /profiles?…) load the app. More specific routes (/graphql, /health, …)
// win over this wildcard. The assets are public: the UI signs in with an API key of its own.
@Controller()
export class UiController {
  private readonly root = webAssetsDir();

  @Get('*')
  @Public()
  async serve(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = req.url.split('?')[0];
    if (isApiPath(path)) throw new DomainError(ErrorCode.NOT_FOUND, `no route GET ${path}`);
    const asset = readWebAsset(this.root, path) ?? (/\.\w+$/.test(path) ? undefined : this.index());
    if (!asset) throw new DomainError(ErrorCode.NOT_FOUND, `no file ${path}`);
    await reply
      .header('content-type', asset.type)
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(asset.body);
  }

  private index() {
    const index = readWebAsset(this.root, '/index.html');
    if (!index) {
      throw new DomainError(ErrorCode.UNAVAILABLE, 'the web UI is not built: run `npm run build`');
    }
    return index;
  }
}
