import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/auth-context';

// Pages need a key: without one, the sign-in page, which comes back here afterwards.
export function RequireSignIn({ children }: { children: ReactNode }) {
  const { viewer } = useAuth();
  const location = useLocation();
  if (!viewer) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { viewer } = useAuth();
  if (!viewer?.isAdmin) {
    return (
      <Alert color="gray" title="Admin only" role="status">
        This page needs a key with the admin scope. Sign in with such a key to see it.
      </Alert>
    );
  }
  return children;
}
