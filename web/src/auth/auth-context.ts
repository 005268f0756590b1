import { createContext, useContext } from 'react';
import type { Viewer } from './viewer';

export interface Auth {
  viewer: Viewer | null;
  signIn: (apiKey: string) => Promise<string | null>;
  signOut: () => void;
}

export const AuthContext = createContext<Auth | null>(null);

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

// For pages behind the sign-in: the viewer is always there.
export function useViewer(): Viewer {
  const { viewer } = useAuth();
  if (!viewer) throw new Error('useViewer outside a signed-in page');
  return viewer;
}
