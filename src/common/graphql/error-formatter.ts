import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import { requestContext } from '../../logging/request-context';
import { toPublicError } from '../errors/error-mapping';
import { fastifyError, isFastifyError } from '../errors/fastify-error-handler';
import { BodyError } from '../http/json-body';

interface FormattedResponse {
  statusCode: number;
  response: ExecutionResult;
}

type MercuriusError = Error & { code?: string; statusCode?: number; errors?: unknown[] };

function rebuild(
  error: GraphQLError,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}

function isMercuriusError(e: unknown): e is MercuriusError {
  return (
    e instanceof Error &&
    typeof (e as MercuriusError).code === 'string' &&
    (e as MercuriusError).code!.startsWith('MER_ERR')
  );
}

// Mercurius passes the request's context; over a WebSocket there is no reply to set headers on.
interface FormatterContext {
  reply?: { header(name: string, value: string): unknown; request?: { id: string } };
}

// Maps errors once: syntax/validation/variable errors (which carry no internals) → BAD_USER_INPUT
// with status 400; DomainError codes → extensions.code; anything else → "Internal server error"
// plus errorId. An operation that fails only on authentication/authorisation answers 401/403; one
// refused by the key's rate limit answers 429 with Retry-After, as REST does.
export function formatGraphqlErrors(
  execution: ExecutionResult & { statusCode?: number },
  context?: FormatterContext,
): FormattedResponse {
  let statusCode = 200;
  const errors: GraphQLError[] = [];
  for (const error of execution.errors ?? []) {
    const original: unknown = error.originalError;
    if (isMercuriusError(original)) {
      const nested = Array.isArray(original.errors) ? (original.errors as GraphQLError[]) : [error];
      for (const e of nested)
        errors.push(
          rebuild(e instanceof GraphQLError ? e : error, (e as Error).message, {
            code: 'BAD_USER_INPUT',
          }),
        );
      statusCode = Math.max(statusCode, original.statusCode ?? 400);
      continue;
    }
    if (!original) {
      errors.push(rebuild(error, error.message, { code: 'BAD_USER_INPUT' }));
      if (!execution.data) statusCode = Math.max(statusCode, 400);
      continue;
    }
    // A body that could not be read (bad JSON, a prototype key, too large) reaches here as a
    // BodyError (common/http/json-body) or a FastifyError.
    const unreadable = original instanceof BodyError || isFastifyError(original);
    const failed = unreadable ? fastifyError(original) : original;
    const pub = requestContext.during(context?.reply?.request?.id, () => toPublicError(failed));
    if ((pub.status === 401 || pub.status === 403) && statusCode === 200) statusCode = pub.status;
    if (pub.retryAfter !== undefined) {
      if (statusCode === 200) statusCode = pub.status;
      context?.reply?.header('retry-after', String(pub.retryAfter));
    }
    // Only a body that could not be read changes the HTTP status; a refused input (a bad rule, an
    // unknown identity) is an execution error and answers 200 with `errors`, as GraphQL does.
    if (unreadable && !execution.data) statusCode = Math.max(statusCode, pub.status);
    errors.push(
      rebuild(error, pub.message, {
        code: pub.graphqlCode,
        details: pub.details,
        errorId: pub.errorId,
        retryAfter: pub.retryAfter,
      }),
    );
  }
  return { statusCode, response: { data: execution.data ?? null, errors } };
}
