import { Box, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { DateTime } from '../../components/date-time';
import type { AudienceDetailQuery } from '../../gql/graphql';
import { lineDiff } from './line-diff';

type Version = NonNullable<AudienceDetailQuery['audience']>['versions'][number];

// A version as text: what a diff compares.
const asText = (v: Version) =>
  [
    `name: ${v.name}`,
    `description: ${v.description ?? ''}`,
    `schedule: ${v.schedule ?? ''}`,
    'rule:',
    JSON.stringify(v.rule, null, 2),
  ].join('\n');

const COLORS = {
  same: undefined,
  added: 'var(--mantine-color-green-1)',
  removed: 'var(--mantine-color-red-1)',
};
const SIGNS = { same: ' ', added: '+', removed: '−' };

function Diff({ before, after }: { before: Version; after: Version }) {
  const lines = lineDiff(asText(before), asText(after));
  return (
    <Box
      component="pre"
      aria-label={`Changes from version ${before.version} to ${after.version}`}
      fz="xs"
      m={0}
      p="xs"
      style={{
        border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 4,
        overflowX: 'auto',
      }}
    >
      {lines.map((l, i) => (
        <div key={i} style={{ background: COLORS[l.kind] }} data-diff={l.kind}>
          {SIGNS[l.kind]} {l.text}
        </div>
      ))}
    </Box>
  );
}

// Every saved version, newest first; any two compared line by line.
export function AudienceVersions({ versions }: { versions: Version[] }) {
  const options = versions.map((v) => ({ value: String(v.version), label: `v${v.version}` }));
  const [to, setTo] = useState(String(versions[0]?.version ?? ''));
  const [from, setFrom] = useState(String(versions[1]?.version ?? versions[0]?.version ?? ''));
  const find = (v: string) => versions.find((x) => String(x.version) === v);
  const a = find(from);
  const b = find(to);
  return (
    <Stack gap="sm">
      <Table aria-label="Audience versions" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Saved by</Table.Th>
            <Table.Th>At</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v, i) => (
            <Table.Tr key={v.version}>
              <Table.Td>v{v.version}</Table.Td>
              <Table.Td>{v.name}</Table.Td>
              <Table.Td>{v.savedBy}</Table.Td>
              <Table.Td>
                <DateTime value={v.createdAt} size="xs" />
              </Table.Td>
              <Table.Td>
                {versions[i + 1] && (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => {
                      setFrom(String(versions[i + 1].version));
                      setTo(String(v.version));
                    }}
                  >
                    Compare with v{versions[i + 1].version}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {versions.length > 1 ? (
        <>
          <Group gap="xs">
            <Select
              label="From"
              data={options}
              value={from}
              onChange={(v) => v && setFrom(v)}
              w={100}
            />
            <Select label="To" data={options} value={to} onChange={(v) => v && setTo(v)} w={100} />
          </Group>
          {a && b && <Diff before={a} after={b} />}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          One version so far.
        </Text>
      )}
    </Stack>
  );
}
