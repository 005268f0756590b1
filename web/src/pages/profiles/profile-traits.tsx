import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import { formatValue } from '../../components/format';
import { RunId } from '../../components/run-id';
import { StatusBadge } from '../../components/status-badge';
import type { ProfileQuery } from '../../gql/graphql';

type Trait = NonNullable<ProfileQuery['profile']>['traits'][number];

// Where a value came from: source, run, definition and model version, the identity it came through.
function Provenance({ p }: { p: NonNullable<Trait['provenance']> }) {
  return (
    <Stack gap={0}>
      <Group gap={4}>
        <Badge size="xs" variant="outline" color="gray">
          {p.sourceKind}
        </Badge>
        <Text size="xs">
          definition v{p.definitionVersion}
          {p.modelVersion ? ` · model ${p.modelVersion}` : ''}
        </Text>
      </Group>
      {p.runId && (
        <Text size="xs" c="dimmed">
          run <RunId id={p.runId} />
        </Text>
      )}
      <Text size="xs" c="dimmed">
        via {p.identity.type}:{p.identity.value} · ingested{' '}
        <DateTime value={p.ingestedAt} size="xs" />
      </Text>
    </Stack>
  );
}

export function ProfileTraits({ traits }: { traits: Trait[] }) {
  if (traits.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No trait this key may read has a value.
      </Text>
    );
  return (
    <Table verticalSpacing="xs" aria-label="Traits">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Trait</Table.Th>
          <Table.Th miw={170}>Value</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Since</Table.Th>
          <Table.Th>Provenance</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {traits.map((t) => (
          <Table.Tr key={t.name} data-trait={t.name}>
            <Table.Td fw={500}>{t.name}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{formatValue(t.value, t.type)}</Table.Td>
            <Table.Td>
              <StatusBadge status={t.status} />
            </Table.Td>
            <Table.Td>
              <DateTime value={t.updatedAt} size="xs" />
            </Table.Td>
            <Table.Td>{t.provenance ? <Provenance p={t.provenance} /> : '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
