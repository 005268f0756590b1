import { Anchor, Badge, Group, SegmentedControl, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useViewer } from '../../auth/auth-context';
import { FreshnessBadge } from '../../components/freshness-badge';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import type { TraitListQuery as TraitListResult } from '../../gql/graphql';
import { LastRunCell } from './last-run-cell';
import { TraitListQuery } from './trait-queries';

type Trait = TraitListResult['traitDefinitions'][number];
const KINDS = ['all', 'dbt', 'notebook', 'audience', 'event', 'api'];

function matches(trait: Trait, search: string, kind: string): boolean {
  if (kind !== 'all' && trait.sourceKind !== kind) return false;
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [trait.name, trait.description, trait.owner].some((s) =>
    s?.toLowerCase().includes(needle),
  );
}

export function TraitListPage() {
  const viewer = useViewer();
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState('all');
  const [result] = useQuery({ query: TraitListQuery, variables: { admin: viewer.isAdmin } });

  return (
    <>
      <PageHeader
        title="Trait catalogue"
        subtitle="Every trait on the user model: where it comes from and how fresh it is"
      />
      <Group mb="md" align="flex-end">
        <TextInput
          label="Search traits"
          placeholder="Name, description or owner"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={320}
        />
        <SegmentedControl
          aria-label="Source"
          data={KINDS.map((k) => ({ value: k, label: k === 'all' ? 'All sources' : k }))}
          value={kind}
          onChange={setKind}
        />
      </Group>
      <QueryState label="traits" result={result}>
        {(data) => {
          const traits = data.traitDefinitions.filter((t) => matches(t, search, kind));
          return (
            <Table highlightOnHover verticalSpacing="xs" aria-label="Traits">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Trait</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Freshness</Table.Th>
                  {viewer.isAdmin && <Table.Th>Last run</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {traits.map((t) => (
                  <Table.Tr key={t.name}>
                    <Table.Td>
                      <Group gap={6}>
                        <Anchor
                          component={Link}
                          to={`/traits/${encodeURIComponent(t.name)}`}
                          fw={500}
                        >
                          {t.name}
                        </Anchor>
                        {t.pii && (
                          <Badge size="xs" color="grape" variant="light">
                            PII
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {t.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t.type}</Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color="gray">
                        {t.sourceKind}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t.owner ?? '—'}</Table.Td>
                    <Table.Td>
                      <FreshnessBadge {...t} lastRun={t.lastRun} />
                    </Table.Td>
                    {viewer.isAdmin && (
                      <Table.Td>
                        <LastRunCell summary={t.lastRunWithWork} sourceKind={t.sourceKind} />
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
                {traits.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed" size="sm">
                        No trait matches.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          );
        }}
      </QueryState>
    </>
  );
}
