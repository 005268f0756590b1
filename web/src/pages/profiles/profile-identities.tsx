import { Table, Text } from '@mantine/core';
import { DateTime } from '../../components/date-time';
import type { ProfileQuery } from '../../gql/graphql';

type Identity = NonNullable<ProfileQuery['profile']>['identities'][number];

// A narrow card (beside the timeline): fixed columns, so a long identity value is cut with an
// ellipsis (whole on hover, and for screen readers) instead of pushing "Last seen" out of the card.
function Cut({ text }: { text: string }) {
  return (
    <Text size="sm" truncate="end" title={text}>
      {text}
    </Text>
  );
}

export function ProfileIdentities({ identities }: { identities: Identity[] }) {
  return (
    <Table verticalSpacing={4} layout="fixed" aria-label="Identities">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="26%">Type</Table.Th>
          <Table.Th>Value</Table.Th>
          <Table.Th w={64}>Source</Table.Th>
          <Table.Th w={96}>Last seen</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {identities.map((i) => (
          <Table.Tr key={`${i.type}:${i.value}`}>
            <Table.Td>
              <Cut text={i.type} />
            </Table.Td>
            <Table.Td>
              <Cut text={i.value} />
            </Table.Td>
            <Table.Td>
              <Cut text={i.sourceKind} />
            </Table.Td>
            <Table.Td>
              <DateTime value={i.lastSeenAt} size="xs" stacked />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
