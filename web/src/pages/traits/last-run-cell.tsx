import { Group, Stack, Text } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import { StatusBadge } from '../../components/status-badge';
import { idleRunsText, runCountsText, type RunSummary } from './run-mode';

interface Run {
  status: string;
  startedAt: string;
  metadata: unknown;
  counts: { read: number; changed: number; unchanged: number; rejected: number };
}

// The latest run that did work with its counts, then how many idle incremental runs followed.
export function LastRunCell({
  summary,
  sourceKind,
}: {
  summary: (RunSummary & { run: Run | null }) | null | undefined;
  sourceKind: string;
}) {
  if (!summary)
    return (
      <Text size="sm" c="dimmed">
        no runs
      </Text>
    );
  const { run } = summary;
  const idle = idleRunsText(summary);
  return (
    <Stack gap={2}>
      {run && (
        <>
          <Group gap={6} wrap="nowrap">
            <StatusBadge status={run.status} />
            <DateTime value={run.startedAt} size="xs" />
          </Group>
          <Text size="xs" c="dimmed">
            {runCountsText(run, sourceKind)}
          </Text>
        </>
      )}
      {idle && (
        <Text size="xs" c="dimmed">
          {idle}
        </Text>
      )}
    </Stack>
  );
}
