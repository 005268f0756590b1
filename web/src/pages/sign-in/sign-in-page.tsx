import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useAuth } from '../../auth/auth-context';

// Only same-site paths: a sign-in link cannot send the key holder elsewhere.
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/traits';
}

export function SignInPage() {
  const { viewer, signIn } = useAuth();
  const [params] = useSearchParams();
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (viewer) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(await signIn(apiKey.trim()));
    setBusy(false);
  };

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper component="main" withBorder shadow="xs" p="xl" w={420}>
        <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
          <Stack>
            <Title order={1} size="h3" id="sign-in-title">
              Sign in to Traitbase
            </Title>
            <Text size="sm" c="dimmed">
              Use an API key with a read scope. It is kept in this tab only and forgotten when the
              tab closes.
            </Text>
            <PasswordInput
              label="API key"
              placeholder="tb_…"
              value={apiKey}
              onChange={(e) => setApiKey(e.currentTarget.value)}
              autoComplete="off"
              required
              data-autofocus
              autoFocus
            />
            {problem && (
              <Alert color="red" role="alert" title="Not signed in">
                {problem}
              </Alert>
            )}
            <Button type="submit" loading={busy} disabled={apiKey.trim() === ''}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
