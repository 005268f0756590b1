import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export const PROFILE_CHANGED = `subscription S($identity: IdentityInput!, $traits: [String!], $after: Float) {
  profileChanged(identity: $identity, traits: $traits, after: $after) {
    profileId following revision position
    changes { position kind name before after at provenance { sourceKind sourceRef runId definitionVersion observedAt } }
  }
}`;

export interface PushedChange {
  profileId: string;
  following: string;
  revision: number;
  position: number;
  changes: {
    position: number;
    kind: string;
    name: string | null;
    before: unknown;
    after: unknown;
    at: string;
    provenance: Record<string, unknown> | null;
  }[];
}

export interface Received {
  message: PushedChange;
  receivedAt: number;
}

// A real graphql-ws client over a real WebSocket to /graphql, authenticated on connection_init.
export function wsClient(baseUrl: string, apiKey: string, opts: { retry?: boolean } = {}): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { apiKey },
    retryAttempts: opts.retry ? 5 : 0,
    lazy: true,
  });
}

export interface Subscribed {
  received: Received[];
  errors: unknown[];
  done: Promise<void>;
  stop: () => void;
}

// Subscribes to profileChanged and collects what arrives.
export function subscribe(client: Client, variables: Record<string, unknown>): Subscribed {
  const received: Received[] = [];
  const errors: unknown[] = [];
  let stop: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    stop = client.subscribe<{ profileChanged: PushedChange }>(
      { query: PROFILE_CHANGED, variables },
      {
        next: (r) => {
          if (r.data) received.push({ message: r.data.profileChanged, receivedAt: Date.now() });
          if (r.errors) errors.push(...r.errors);
        },
        error: (e) => {
          errors.push(e);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { received, errors, done, stop: () => stop() };
}
