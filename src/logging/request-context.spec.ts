import { requestContext } from './request-context';

describe('requestContext', () => {
  it('names the request only around the lines written `during` it, nested or not', () => {
    expect(requestContext.reqId()).toBeUndefined();
    const seen = requestContext.during('outer', () => [
      requestContext.reqId(),
      requestContext.during('inner', () => requestContext.reqId()),
      requestContext.reqId(),
    ]);
    expect(seen).toEqual(['outer', 'inner', 'outer']);
    expect(requestContext.reqId()).toBeUndefined();
    expect(() =>
      requestContext.during('failing', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(requestContext.reqId()).toBeUndefined();
  });

  it('runs a request without following it unless told to, then follows it across awaits', async () => {
    const idAfterAwait = () =>
      new Promise<string | undefined>((resolve) =>
        requestContext.run('r1', () => {
          void Promise.resolve().then(() => resolve(requestContext.reqId()));
        }),
      );
    expect(await idAfterAwait()).toBeUndefined();
    requestContext.follow();
    expect(await idAfterAwait()).toBe('r1');
  });
});
