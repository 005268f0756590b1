import { Group, Stack, Text } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import { StatusBadge } from '../../components/status-badge';

interface Run {
  status: string;
  startedAt: string;
  counts: { read: number; changed: number; unchanged: number; rejected: number };
}

export function LastRunCell({ run }: { run: Run | null | undefined }) {
  if (!run)
    return (
      <Text size="sm" c="dimmed">
        no runs
      </Text>
    );
  const { read, changed, rejected } = run.counts;
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        <StatusBadge status={run.status} />
        <DateTime value={run.startedAt} size="xs" />
      </Group>
      <Text size="xs" c="dimmed">
        {read} read · {changed} changed{rejected > 0 ? ` · ${rejected} rejected` : ''}
      </Text>
    </Stack>
  );
}
