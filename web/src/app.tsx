import { MantineProvider } from '@mantine/core';
import { RouterProvider } from 'react-router';
import { AuthProvider } from './auth/auth-provider';
import { router } from './routes';
import { theme } from './theme';

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </MantineProvider>
  );
}
