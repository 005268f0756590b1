// A run that cannot go on. Retryable failures (warehouse unreachable) are retried by the queue;
// the others (missing relation or column, a type that does not fit) wait for a fix.
export class SyncFailure extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'SyncFailure';
  }
}
