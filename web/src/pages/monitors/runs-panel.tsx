import { Code, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from 'urql';
import { DateTime } from '../../components/date-time';
import { formatDuration } from '../../components/format';
import { QueryState } from '../../components/query-state';
import { RunId } from '../../components/run-id';
import { StatusBadge } from '../../components/status-badge';

import { RunsQuery } from './monitor-queries';

const KINDS = ['all', 'dbt', 'notebook', 'audience', 'api'];

export function RunsPanel() {
  const [kind, setKind] = useState('all');
  const [result] = useQuery({
    query: RunsQuery,
    variables: { sourceKind: kind === 'all' ? null : kind, limit: 100 },
  });
  return (
    <Stack>
      <SegmentedControl
        aria-label="Source kind"
        w="fit-content"
        data={KINDS.map((k) => ({ value: k, label: k === 'all' ? 'All sources' : k }))}
        value={kind}
        onChange={setKind}
      />
      <QueryState label="runs" result={result}>
        {(data) => (
          <Table verticalSpacing="xs" aria-label="Runs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Source</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Duration</Table.Th>
                <Table.Th ta="right">Read</Table.Th>
                <Table.Th ta="right">Changed</Table.Th>
                <Table.Th ta="right">Unchanged</Table.Th>
                <Table.Th ta="right">Rejected</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.runs.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                      {r.source}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {r.sourceKind} · run <RunId id={r.id} full />
                    </Text>
                    {r.error && (
                      <Text size="xs" c="red">
                        {r.error}
                      </Text>
                    )}
                    {r.rejectedSample.slice(0, 3).map((s, i) => (
                      <Text size="xs" c="orange.8" key={i}>
                        {s.trait && <Code fz="xs">{s.trait}</Code>} {s.reason}
                      </Text>
                    ))}
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={r.status} />
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={r.startedAt} size="xs" />
                  </Table.Td>
                  <Table.Td>{formatDuration(r.durationMs)}</Table.Td>
                  <Table.Td ta="right">{r.counts.read}</Table.Td>
                  <Table.Td ta="right">{r.counts.changed}</Table.Td>
                  <Table.Td ta="right">{r.counts.unchanged}</Table.Td>
                  <Table.Td ta="right">{r.counts.rejected}</Table.Td>
                </Table.Tr>
              ))}
              {data.runs.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={8}>
                    <Group>
                      <Text c="dimmed" size="sm">
                        No runs yet.
                      </Text>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
