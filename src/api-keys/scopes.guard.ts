import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { AddressLimiter } from './address-limiter.service';
import { keyFromAuthorization } from './credentials';
import { IS_PUBLIC } from './public.decorator';
import { RateLimiter } from './rate-limiter.service';
import { REQUIRED_SCOPES } from './require-scopes.decorator';
import { SCOPED_BY } from './scoped-by.decorator';
import { hasScope, Principal, Scope } from './scopes';

export type AuthedRequest = FastifyRequest & { principal?: Principal };

// Applied globally, failing closed: a handler must declare @RequireScopes, be marked @Public()
// (health, metrics, UI assets) or @ScopedBy(its own guard) (ingestion's write key); any other
// handler is refused. Each authenticated operation counts once against the key's rate limit: a
// REST request, a GraphQL operation however many root fields it has, a subscription start.
@Injectable()
export class ScopesGuard implements CanActivate {
  // Per REST request or GraphQL operation context, so root fields share one key check, one count
  // against the key's limit (or, without a valid key, against the address) and one answer.
  private readonly admitted = new WeakMap<object, Promise<Principal>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly addresses: AddressLimiter,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required) {
      const targets = [context.getHandler(), context.getClass()];
      if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
      if (this.reflector.getAllAndOverride<Scope>(SCOPED_BY, targets)) return true;
      throw new DomainError(ErrorCode.FORBIDDEN, 'this operation declares no scope and is refused');
    }
    const { req, operation } = this.request(context);
    const principal = await this.admitOnce(req, operation);
    if (!required.some((scope) => hasScope(principal, scope))) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        `this key lacks the scope ${required.join(' or ')}`,
      );
    }
    return true;
  }

  private admitOnce(req: AuthedRequest, operation: object): Promise<Principal> {
    let admitted = this.admitted.get(operation);
    if (!admitted) {
      admitted = this.principalOf(req).then(async (principal) => {
        await this.limiter.admit(principal);
        return principal;
      });
      this.admitted.set(operation, admitted);
    }
    return admitted;
  }

  private async principalOf(
    req: AuthedRequest & { connectionParams?: { apiKey?: unknown } },
  ): Promise<Principal> {
    if (req.principal) return req.principal;
    const token = keyFromAuthorization(req.headers?.authorization);
    const principal = await this.addresses.authenticate(token, req.ip);
    if (!principal)
      throw new DomainError(
        ErrorCode.UNAUTHENTICATED,
        token
          ? 'the API key is unknown or revoked'
          : 'an API key is required (Authorization: Bearer <key>)',
      );
    req.principal = principal;
    return principal;
  }

  // `operation`: the REST request, or the GraphQL context (one per HTTP request, per subscription
  // and per operation over a WebSocket).
  private request(context: ExecutionContext): { req: AuthedRequest; operation: object } {
    if (context.getType<string>() === 'graphql') {
      const ctx = GqlExecutionContext.create(context).getContext<{
        req: AuthedRequest;
        principal?: Principal;
      }>();
      // A subscription's key was checked on connection_init (graphql.options.ts).
      if (ctx.principal) ctx.req.principal = ctx.principal;
      return { req: ctx.req, operation: ctx };
    }
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    return { req, operation: req };
  }
}
