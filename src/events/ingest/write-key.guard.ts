import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AddressLimiter } from '../../api-keys/address-limiter.service';
import { keyFromAuthorization } from '../../api-keys/credentials';
import { RateLimiter } from '../../api-keys/rate-limiter.service';
import { hasScope } from '../../api-keys/scopes';
import type { AuthedRequest } from '../../api-keys/scopes.guard';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';

// Segment clients send the write key as HTTP Basic username (empty password) or as `writeKey`
// in the body; Bearer works too. The key must hold the `ingest` scope. Each request counts against
// the key's rate limit (429 with Retry-After, which Segment's libraries honour).
@Injectable()
export class WriteKeyGuard implements CanActivate {
  constructor(
    private readonly addresses: AddressLimiter,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const body = req.body as { writeKey?: unknown } | undefined;
    const token =
      keyFromAuthorization(req.headers.authorization) ??
      (typeof body?.writeKey === 'string' ? body.writeKey : undefined);
    const principal = await this.addresses.authenticate(token, req.ip);
    if (!principal) {
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        token
          ? 'the write key is unknown or revoked'
          : 'a write key is required (HTTP Basic username, or writeKey in the body)',
      );
    }
    await this.limiter.admit(principal);
    if (!hasScope(principal, 'ingest'))
      throw new DomainError(ErrorCode.FORBIDDEN, 'this key lacks the scope ingest');
    req.principal = principal;
    return true;
  }
}
