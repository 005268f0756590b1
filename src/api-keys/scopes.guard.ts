import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { ApiKeysService } from './api-keys.service';
import { keyFromAuthorization } from './credentials';
import { REQUIRED_SCOPES } from './require-scopes.decorator';
import { hasScope, Principal, Scope } from './scopes';

export type AuthedRequest = FastifyRequest & { principal?: Principal };

// Applied globally: a handler without @RequireScopes is public (health, metrics, UI assets).
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) return true;
    const req = this.request(context);
    const principal = await this.principalOf(req);
    if (!required.some((scope) => hasScope(principal, scope))) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        `this key lacks the scope ${required.join(' or ')}`,
      );
    }
    return true;
  }

  private async principalOf(
    req: AuthedRequest & { connectionParams?: { apiKey?: unknown } },
  ): Promise<Principal> {
    if (req.principal) return req.principal;
    const token = keyFromAuthorization(req.headers?.authorization);
    if (!token)
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        'an API key is required (Authorization: Bearer <key>)',
      );
    const principal = await this.apiKeys.authenticate(token);
    if (!principal)
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'the API key is unknown or revoked');
    req.principal = principal;
    return principal;
  }

  private request(context: ExecutionContext): AuthedRequest {
    if (context.getType<string>() === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext<{
        req: AuthedRequest;
        principal?: Principal;
      }>();
      // A subscription's key was checked on connection_init (graphql.options.ts).
      if (ctx.principal) ctx.req.principal = ctx.principal;
      return ctx.req;
    }
    return context.switchToHttp().getRequest<AuthedRequest>();
  }
}
