import { Alert, Center, Loader } from '@mantine/core';
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';

interface Props<T> {
  label: string;
  result: { fetching: boolean; error?: CombinedError; data?: T };
  children: (data: T) => ReactNode;
}

// The three states of a query: loading, refused or failed (with the API's message), answered.
export function QueryState<T>({ label, result, children }: Props<T>) {
  const { fetching, error, data } = result;
  if (error && !data) {
    const message = error.graphQLErrors[0]?.message ?? error.message;
    return (
      <Alert color="red" title={`Could not load ${label}`} role="alert">
        {message}
      </Alert>
    );
  }
  if (data === undefined) {
    return (
      <Center p="xl">{fetching && <Loader size="sm" aria-label={`Loading ${label}`} />}</Center>
    );
  }
  return children(data);
}
