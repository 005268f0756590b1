import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from './scopes';
import type { AuthedRequest } from './scopes.guard';

// The principal the ScopesGuard authenticated; only on handlers that carry @RequireScopes.
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    const req =
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext<{ req: AuthedRequest }>().req
        : context.switchToHttp().getRequest<AuthedRequest>();
    if (!req.principal)
      throw new Error('CurrentPrincipal used on a handler without @RequireScopes');
    return req.principal;
  },
);
