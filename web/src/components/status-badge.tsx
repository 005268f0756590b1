import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  succeeded: 'teal',
  present: 'teal',
  fresh: 'teal',
  running: 'blue',
  stale: 'orange',
  skipped: 'gray',
  missing: 'gray',
  failed: 'red',
  silent: 'red',
};

// Run statuses (succeeded, failed, …) and value statuses (present, stale, missing).
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant="light" color={COLORS[status] ?? 'gray'}>
      {status}
    </Badge>
  );
}
