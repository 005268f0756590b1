import { AppShell, Badge, Button, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { Link, Outlet, useLocation } from 'react-router';
import { useAuth, useViewer } from '../auth/auth-context';
import { NAV } from '../nav';

export function AppLayout() {
  const viewer = useViewer();
  const { signOut } = useAuth();
  const { pathname } = useLocation();
  const items = NAV.filter((item) => !item.admin || viewer.isAdmin);
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between">
          <Title order={1} size="h4">
            Traitbase
          </Title>
          <Group gap="sm">
            <Text size="sm" c="dimmed">
              Key <b>{viewer.name}</b>
            </Text>
            <Badge variant="light" color={viewer.isAdmin ? 'indigo' : 'gray'}>
              {viewer.isAdmin ? 'admin' : viewer.canReadPii ? 'read + PII' : 'read only'}
            </Badge>
            <Button variant="subtle" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Pages">
        <Stack gap={2}>
          {items.map((item) => (
            <NavLink
              key={item.path}
              component={Link}
              to={item.path}
              label={item.label}
              active={pathname.startsWith(item.path)}
              aria-current={pathname.startsWith(item.path) ? 'page' : undefined}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
