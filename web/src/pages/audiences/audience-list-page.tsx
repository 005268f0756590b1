import { Anchor, Badge, Button, Checkbox, Group, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useViewer } from '../../auth/auth-context';
import { DateTime } from '../../components/date-time';
import { formatNumber } from '../../components/format';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { AudienceListQuery } from './audience-queries';

export function AudienceListPage() {
  const viewer = useViewer();
  const [includeArchived, setIncludeArchived] = useState(false);
  const [search, setSearch] = useState('');
  const [result] = useQuery({ query: AudienceListQuery, variables: { includeArchived } });
  return (
    <>
      <PageHeader
        title="Audiences"
        subtitle="Rules over traits and events; each one is the trait audience:<slug>"
      >
        {viewer.canWriteAudiences && (
          <Button component={Link} to="/audiences/new">
            New audience
          </Button>
        )}
      </PageHeader>
      <Group mb="md">
        <TextInput
          label="Search audiences"
          placeholder="slug, name or owner"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={300}
        />
        <Checkbox
          mt="lg"
          label="Show archived"
          checked={includeArchived}
          onChange={(e) => setIncludeArchived(e.currentTarget.checked)}
        />
      </Group>
      <QueryState label="the audiences" result={result}>
        {(data) => {
          const q = search.toLowerCase();
          const rows = data.audiences.filter((a) =>
            [a.slug, a.name, a.owner ?? ''].some((s) => s.toLowerCase().includes(q)),
          );
          if (rows.length === 0)
            return (
              <Text size="sm" c="dimmed">
                No audience{search ? ' matches' : ' yet'}.
              </Text>
            );
          return (
            <Table aria-label="Audiences" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Audience</Table.Th>
                  <Table.Th>Trait</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th ta="right">Size</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Evaluated</Table.Th>
                  <Table.Th>Origin</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((a) => (
                  <Table.Tr key={a.slug}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/audiences/${encodeURIComponent(a.slug)}`}
                        fw={500}
                      >
                        {a.name}
                      </Anchor>
                      {a.archived && (
                        <Badge ml="xs" size="xs" color="gray">
                          archived
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ff="monospace" fz="sm">
                      {a.trait}
                    </Table.Td>
                    <Table.Td>{a.owner ?? '—'}</Table.Td>
                    <Table.Td ta="right">{formatNumber(a.size)}</Table.Td>
                    <Table.Td>v{a.version}</Table.Td>
                    <Table.Td>
                      <DateTime value={a.evaluatedAt} size="xs" />
                    </Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={a.readOnly ? 'blue' : 'gray'}>
                        {a.readOnly ? `${a.origin} · read-only` : a.origin}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          );
        }}
      </QueryState>
    </>
  );
}
