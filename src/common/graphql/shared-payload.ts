// Values a subscription pushes to several subscribers as one object, already made for what each
// of them may see (src/realtime): the WebSocket transport executes such a value once per
// operation (its text and variables) and hands the same result to every subscriber of that
// operation, instead of executing it per subscriber. Only values whose fields resolve without
// the subscriber's context may be marked.
const shared = new WeakSet<object>();

export function sharePayload<T extends object>(value: T): T {
  shared.add(value);
  return value;
}

export function isSharedPayload(value: unknown): value is object {
  return typeof value === 'object' && value !== null && shared.has(value);
}
