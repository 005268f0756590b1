import { Center, Loader } from '@mantine/core';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { type Client, Provider } from 'urql';
import { createApiClient } from '../graphql/client';
import { type Auth, AuthContext } from './auth-context';
import { session } from './session';
import { toViewer, type Viewer, ViewerQuery } from './viewer';

interface SignedIn {
  client: Client;
  viewer: Viewer;
}

// Why a key was refused, in the words of the API (unknown key, missing scope, server down).
function refusal(message: string | undefined): string {
  if (!message) return 'The server did not answer. Is Traitbase running?';
  return message.replace(/^\[\w+\]\s*/, '');
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SignedIn | null>(null);
  const [checking, setChecking] = useState(() => session.read() !== null);

  const signOut = useCallback(() => {
    session.clear();
    setState(null);
  }, []);

  const signIn = useCallback(
    async (apiKey: string): Promise<string | null> => {
      const client = createApiClient(apiKey, signOut);
      const result = await client.query(ViewerQuery, {}, { requestPolicy: 'network-only' });
      if (!result.data?.viewer) {
        return refusal(result.error?.graphQLErrors[0]?.message ?? result.error?.message);
      }
      session.write(apiKey);
      setState({ client, viewer: toViewer(result.data.viewer) });
      return null;
    },
    [signOut],
  );

  // A key kept from earlier in this browser session is checked again before it is used.
  useEffect(() => {
    const kept = session.read();
    if (!kept) return;
    void signIn(kept).then((problem) => {
      if (problem) session.clear();
      setChecking(false);
    });
  }, [signIn]);

  const auth = useMemo<Auth>(
    () => ({ viewer: state?.viewer ?? null, signIn, signOut }),
    [state, signIn, signOut],
  );

  if (checking) {
    return (
      <Center h="100vh">
        <Loader aria-label="Checking the API key" />
      </Center>
    );
  }
  const content = <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
  return state ? <Provider value={state.client}>{content}</Provider> : content;
}
