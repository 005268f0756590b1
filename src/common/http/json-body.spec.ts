import { parseJsonBody, prototypeKeyPath } from './json-body';

const refusal = (text: string) => {
  try {
    parseJsonBody(text);
  } catch (err) {
    return { message: (err as Error).message, status: (err as { statusCode?: number }).statusCode };
  }
  return null;
};

describe('parseJsonBody', () => {
  it('parses JSON, including keys that only look like prototype keys', () => {
    expect(parseJsonBody('{"a":[1,{"b":"__proto__"}],"constructor":"x"}')).toEqual({
      a: [1, { b: '__proto__' }],
      constructor: 'x',
    });
  });

  it('says whether a body is empty, malformed or carries a prototype key, and where', () => {
    expect(refusal('')).toEqual({ message: 'body: is empty (send a JSON document)', status: 400 });
    expect(refusal('{"a":')).toEqual({ message: 'body: is not valid JSON', status: 400 });
    expect(refusal('{"a":[{"__proto__":{}}]}')).toEqual({
      message: 'body.a[0].__proto__: key is not allowed (a prototype key; rename it)',
      status: 400,
    });
    expect(refusal('{"x":{"constructor":{"prototype":{}}}}')).toEqual({
      message: 'body.x.constructor.prototype: key is not allowed (a prototype key; rename it)',
      status: 400,
    });
  });

  it('finds no prototype key where there is none', () => {
    expect(prototypeKeyPath({ a: [{ constructor: { name: 'x' } }] })).toBeNull();
  });
});
