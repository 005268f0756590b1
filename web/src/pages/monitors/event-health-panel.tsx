import { Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from 'urql';
import { DateTime } from '../../components/date-time';
import { QueryState } from '../../components/query-state';
import { StatusBadge } from '../../components/status-badge';
import { EventHealthQuery } from './monitor-queries';

export function EventHealthPanel() {
  const [result] = useQuery({ query: EventHealthQuery, variables: {} });
  return (
    <QueryState label="event health" result={result}>
      {(data) => (
        <Stack gap="lg">
          {data.eventHealth.length === 0 ? (
            <Text c="dimmed" size="sm">
              No planned event declares an expected rate.
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label="Event health">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Event</Table.Th>
                  <Table.Th>Health</Table.Th>
                  <Table.Th ta="right">In the window</Table.Th>
                  <Table.Th ta="right">Expected at least</Table.Th>
                  <Table.Th>Window</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.eventHealth.map((h) => (
                  <Table.Tr key={h.key}>
                    <Table.Td fw={500}>{h.key}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={h.silent ? 'silent' : 'present'} />
                    </Table.Td>
                    <Table.Td ta="right">{h.count}</Table.Td>
                    <Table.Td ta="right">{h.expectedMin}</Table.Td>
                    <Table.Td>{h.window}</Table.Td>
                    <Table.Td>
                      <DateTime value={h.lastSeenAt} size="xs" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <div>
            <Title order={3} size="h5" mb="xs">
              Accepted but not applied
            </Title>
            {data.failedEvents.length === 0 ? (
              <Text c="dimmed" size="sm">
                Every accepted message was applied.
              </Text>
            ) : (
              <Table verticalSpacing={4} aria-label="Failed events">
                <Table.Tbody>
                  {data.failedEvents.map((f) => (
                    <Table.Tr key={f.id}>
                      <Table.Td>{f.event ?? f.type}</Table.Td>
                      <Table.Td>{f.failure}</Table.Td>
                      <Table.Td>
                        <DateTime value={f.receivedAt} size="xs" />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </div>
        </Stack>
      )}
    </QueryState>
  );
}
