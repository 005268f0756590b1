import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { requestContext } from '../../logging/request-context';
import { formatGraphqlErrors } from './error-formatter';

describe('formatGraphqlErrors', () => {
  afterEach(() => jest.restoreAllMocks());

  it("logs an unhandled error under the request's id and answers only its errorId", () => {
    const logged: { reqId: string | undefined; message: string }[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      logged.push({ reqId: requestContext.reqId(), message: String(message) });
    });
    const boom = new GraphQLError('boom', {
      originalError: new Error('relation "x" does not exist'),
    });
    const reply = { header: () => reply, request: { id: 'req-7' } };
    const { response } = formatGraphqlErrors({ data: null, errors: [boom] }, { reply });
    const errorId = (response.errors?.[0].extensions as { errorId: string }).errorId;
    expect(response.errors?.[0].message).toBe('Internal server error');
    expect(logged).toEqual([{ reqId: 'req-7', message: `unhandled error ${errorId}` }]);
    expect(requestContext.reqId()).toBeUndefined();
  });
});
