import { Badge, Table, Text } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import type { TraitDetailQuery } from '../../gql/graphql';

type Version = NonNullable<TraitDetailQuery['traitDefinition']>['versions'][number];

const CHANGE_COLORS: Record<string, string> = {
  breaking: 'red',
  retired: 'gray',
  initial: 'indigo',
};

export function TraitVersions({ versions }: { versions: Version[] }) {
  return (
    <Table verticalSpacing={4} aria-label="Definition versions">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Version</Table.Th>
          <Table.Th>Change</Table.Th>
          <Table.Th>What changed</Table.Th>
          <Table.Th>When</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {versions.map((v) => (
          <Table.Tr key={v.version}>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              {v.version}{' '}
              <Text span size="xs" c="dimmed">
                ({v.schemaVersion})
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color={CHANGE_COLORS[v.change] ?? 'teal'}>
                {v.change}
              </Badge>
            </Table.Td>
            <Table.Td>
              {/* Reasons quote names without spaces (audience:at_risk_spenders): break them, stay in the card. */}
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                {v.reasons.join('; ') || '—'}
              </Text>
            </Table.Td>
            <Table.Td>
              <DateTime value={v.createdAt} size="xs" />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
