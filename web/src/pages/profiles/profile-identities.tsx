import { Table } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import type { ProfileQuery } from '../../gql/graphql';

type Identity = NonNullable<ProfileQuery['profile']>['identities'][number];

export function ProfileIdentities({ identities }: { identities: Identity[] }) {
  return (
    <Table verticalSpacing={4} aria-label="Identities">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Type</Table.Th>
          <Table.Th>Value</Table.Th>
          <Table.Th>Source</Table.Th>
          <Table.Th>Last seen</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {identities.map((i) => (
          <Table.Tr key={`${i.type}:${i.value}`}>
            <Table.Td>{i.type}</Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{i.value}</Table.Td>
            <Table.Td>{i.sourceKind}</Table.Td>
            <Table.Td>
              <DateTime value={i.lastSeenAt} size="xs" />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
