import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { DateTime } from '../../components/date-time';
import { QueryState } from '../../components/query-state';
import { IdentityViolationsQuery } from './monitor-queries';

const profileLink = (type: string, value: string) =>
  `/profiles?type=${encodeURIComponent(type)}&value=${encodeURIComponent(value)}`;

// Observations merge protection refused: an identity that would have pushed a profile over a limit.
export function IdentityViolationsPanel() {
  const [result] = useQuery({ query: IdentityViolationsQuery, variables: { limit: 100 } });
  return (
    <QueryState label="merge-protection violations" result={result}>
      {(data) =>
        data.identityViolations.length === 0 ? (
          <Text c="dimmed" size="sm">
            Merge protection has refused nothing.
          </Text>
        ) : (
          <Table verticalSpacing="xs" aria-label="Merge-protection violations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Identity</Table.Th>
                <Table.Th>Refused</Table.Th>
                <Table.Th>Limit</Table.Th>
                <Table.Th ta="right">Times</Table.Th>
                <Table.Th>Cause</Table.Th>
                <Table.Th>Last seen</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.identityViolations.map((v) => (
                <Table.Tr key={`${v.identity.type}:${v.identity.value}:${v.targetProfileId}`}>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={profileLink(v.identity.type, v.identity.value)}
                      size="sm"
                    >
                      {v.identity.type}:{v.identity.value}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color="orange">
                      {v.kind === 'merge' ? 'merge refused' : 'own profile'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {v.limitType} ≤ {v.limit} (would be {v.wouldBe})
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{v.occurrences}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {v.cause.kind}
                      {v.cause.ref ? ` · ${v.cause.ref.slice(0, 12)}` : ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={v.lastSeenAt} size="xs" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )
      }
    </QueryState>
  );
}
