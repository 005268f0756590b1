import {
  ExecutionResult,
  GraphQLFloat,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
} from 'graphql';
import { sharePayload } from '../../common/graphql/shared-payload';
import { operationKey, sharedSubscribe } from './shared-subscribe';

// A subscription `changed(tag)` whose values come from the test; `resolved` counts executions.
function fixture() {
  const sources: { push(v: object): void }[] = [];
  let resolved = 0;
  const Change = new GraphQLObjectType({
    name: 'Change',
    fields: {
      value: {
        type: GraphQLFloat,
        resolve: (c: { value: number }) => {
          resolved++;
          return c.value;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        changed: {
          type: Change,
          args: { tag: { type: GraphQLString } },
          resolve: (v: unknown) => v,
          subscribe: () => {
            const queue: object[] = [];
            let wake: (() => void) | null = null;
            sources.push({
              push: (v) => {
                queue.push(v);
                wake?.();
              },
            });
            return {
              async next() {
                while (queue.length === 0) await new Promise<void>((r) => (wake = r));
                return { value: queue.shift(), done: false };
              },
              [Symbol.asyncIterator]() {
                return this;
              },
            };
          },
        },
      },
    }),
  });
  const start = async (query: string, variables: Record<string, unknown> = {}) => {
    const it = await sharedSubscribe(
      { schema, document: parse(query), variableValues: variables },
      operationKey({ query, variables }),
    );
    if (!(Symbol.asyncIterator in it)) throw new Error(JSON.stringify(it));
    return it;
  };
  return { sources, start, resolved: () => resolved };
}

const Q = 'subscription ($tag: String) { changed(tag: $tag) { value } }';

describe('sharedSubscribe', () => {
  it('executes a shared value once per operation and variables, and hands every subscriber that result', async () => {
    const f = fixture();
    const a = await f.start(Q, { tag: 'x' });
    const b = await f.start(Q, { tag: 'x' });
    const other = await f.start(Q, { tag: 'y' });
    const value = sharePayload({ value: 7 });
    for (const s of f.sources) s.push(value);
    const [ra, rb, ro] = await Promise.all([a.next(), b.next(), other.next()]);
    expect(ra.value).toEqual({ data: { changed: { value: 7 } } });
    expect(rb.value).toBe(ra.value);
    expect(ro.value).toEqual(ra.value);
    expect(ro.value).not.toBe(ra.value);
    expect(f.resolved()).toBe(2);
  });

  it('executes a value that is not shared for each subscriber', async () => {
    const f = fixture();
    const a = await f.start(Q);
    const b = await f.start(Q);
    const value = { value: 3 };
    for (const s of f.sources) s.push(value);
    const results = (await Promise.all([a.next(), b.next()])).map(
      (r) => r.value as ExecutionResult,
    );
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).not.toBe(results[1]);
    expect(f.resolved()).toBe(2);
  });
});
