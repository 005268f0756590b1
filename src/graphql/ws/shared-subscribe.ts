import {
  createSourceEventStream,
  execute,
  ExecutionArgs,
  ExecutionResult,
  FormattedExecutionResult,
} from 'graphql';
import { isSharedPayload } from '../../common/graphql/shared-payload';

type Result = ExecutionResult | Promise<ExecutionResult>;

// Results of a shared value (common/graphql/shared-payload), per operation key. Dropped with the value.
const executed = new WeakMap<object, Map<string, Result>>();

// What identifies an operation's result for the same value: its text, operation name and
// variables (the context is not part of it: shared values resolve without it).
export function operationKey(payload: {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}): string {
  return `${payload.operationName ?? ''}\u0000${JSON.stringify(payload.variables ?? null)}\u0000${payload.query}`;
}

function executeOnce(args: ExecutionArgs, key: string, value: unknown): Result {
  if (!isSharedPayload(value)) return execute({ ...args, rootValue: value });
  let byOperation = executed.get(value);
  if (!byOperation) executed.set(value, (byOperation = new Map<string, Result>()));
  let result = byOperation.get(key);
  if (!result) byOperation.set(key, (result = execute({ ...args, rootValue: value })));
  return result;
}

// The source stream's values as execution results, as graphql-js `subscribe` gives them.
class Results implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly args: ExecutionArgs,
    private readonly key: string,
  ) {}

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const r = await this.source.next();
    if (r.done) return { value: undefined, done: true };
    return { value: await executeOnce(this.args, this.key, r.value), done: false };
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(err: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

// graphql-js `subscribe`, except that a shared value is executed once per operation key.
export async function sharedSubscribe(
  args: ExecutionArgs,
  key: string,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  return new Results(stream[Symbol.asyncIterator](), args, key);
}

// The formatted form of a result whose errors need formatting, kept with the result so a shared
// result is formatted once.
const formatted = new WeakMap<ExecutionResult, FormattedExecutionResult>();

export function formatOnce(
  result: ExecutionResult,
  format: (r: ExecutionResult) => FormattedExecutionResult,
): FormattedExecutionResult {
  let f = formatted.get(result);
  if (!f) formatted.set(result, (f = format(result)));
  return f;
}
