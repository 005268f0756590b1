import { DomainError, ErrorCode } from '../common/errors/domain-error';

// The running server, over HTTP: what the demo sends goes through the same routes a game client,
// dbt's CI step or an operator would use.
export class DemoHttp {
  constructor(readonly url: string) {}

  async healthy(): Promise<boolean> {
    const res = await fetch(new URL('/health', this.url)).catch(() => undefined);
    return res?.status === 200;
  }

  async post(path: string, key: string, body: unknown): Promise<unknown> {
    const res = await fetch(new URL(path, this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as {
      error?: { message?: string };
      message?: string;
    };
    if (res.status === 401) {
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `POST ${path}: 401: the server at ${this.url} does not know the key the demo created: is it ` +
          'running on the same DATABASE_URL and DATABASE_SCHEMA as this command?',
      );
    }
    if (res.status >= 400 && res.status !== 400) {
      const why = answer.error?.message ?? answer.message ?? '';
      throw new DomainError(ErrorCode.INVALID_INPUT, `POST ${path}: ${res.status} ${why}`.trim());
    }
    return answer;
  }

  async graphql<T>(
    key: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const answer = (await this.post('/graphql', key, { query, variables })) as {
      data?: T;
      errors?: { message: string }[];
    };
    if (answer.errors?.length) {
      throw new DomainError(ErrorCode.INVALID_INPUT, `GraphQL: ${answer.errors[0].message}`);
    }
    return answer.data as T;
  }
}
