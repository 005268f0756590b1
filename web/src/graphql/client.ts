import { createClient as createWsClient } from 'graphql-ws';
import { cacheExchange, Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
}

// One client per signed-in key: queries over HTTP with the key as a Bearer token, subscriptions
// over graphql-ws on the same path with the key in connection_init (opened on first use).
export function createApiClient(apiKey: string, onUnauthenticated: () => void): Client {
  const ws = createWsClient({ url: wsUrl(), lazy: true, connectionParams: { apiKey } });
  return new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: { headers: { authorization: `Bearer ${apiKey}` } },
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
            onUnauthenticated();
          }
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });
}
