import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestContext } from '../../logging/request-context';
import { replyWithError, toPublicError } from './error-mapping';

// One filter for every REST route: DomainError → mapped status; Nest's HttpException (validation,
// 404 route) keeps its status; anything else → 500 with an errorId.
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType<string>() === 'graphql') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const status = exception.getStatus();
      void reply
        .status(status)
        .send(
          typeof body === 'string'
            ? { error: { code: `HTTP_${status}`, message: body } }
            : { error: { code: `HTTP_${status}`, ...body } },
        );
      return;
    }
    const { id } = host.switchToHttp().getRequest<FastifyRequest>();
    replyWithError(
      reply,
      requestContext.during(id, () => toPublicError(exception)),
    );
  }
}
