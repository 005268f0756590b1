import { Alert, Badge, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from 'urql';
import { AsOfPicker } from '../../components/as-of-picker';
import { formatNumber, formatTime, formatValue } from '../../components/format';
import { AudiencePreviewQuery } from './audience-queries';

const DEBOUNCE_MS = 400;

// Size, size per top-level member and a sample, asked again a moment after the last edit.
export function AudiencePreview({
  rule,
  blocked,
  asOf,
  onAsOf,
}: {
  rule: unknown;
  // Why the rule cannot be previewed yet (an empty group, an unnamed event), or null.
  blocked: string | null;
  asOf: string | null;
  onAsOf: (iso: string | null) => void;
}) {
  const [debounced] = useDebouncedValue(JSON.stringify({ rule, asOf }), DEBOUNCE_MS);
  const settled = debounced === JSON.stringify({ rule, asOf });
  const vars = JSON.parse(debounced) as { rule: unknown; asOf: string | null };
  const [result] = useQuery({
    query: AudiencePreviewQuery,
    variables: vars,
    pause: blocked !== null,
    requestPolicy: 'network-only',
  });
  const preview = result.data?.audiencePreview;
  const error = result.error?.graphQLErrors[0]?.message ?? result.error?.message;
  const busy = !settled || result.fetching;

  return (
    <Stack gap="sm" aria-label="Preview" role="region">
      <Group justify="space-between" align="flex-end">
        <Title order={3} size="h5">
          Preview
        </Title>
        {busy && blocked === null && <Loader size="xs" aria-label="Updating the preview" />}
      </Group>
      <AsOfPicker
        label="Preview as of (UTC)"
        description="Who would have matched then"
        value={asOf}
        onChange={onAsOf}
      />
      {blocked !== null ? (
        <Text size="sm" c="dimmed">
          To preview: {blocked}.
        </Text>
      ) : error ? (
        <Alert color="red" title="The rule cannot be previewed" role="alert">
          {error}
        </Alert>
      ) : preview ? (
        <Stack gap="xs" opacity={busy ? 0.6 : 1}>
          <Group gap="xs" align="baseline">
            <Text fz={32} fw={700} data-testid="preview-size" aria-label="Previewed size">
              {formatNumber(preview.size)}
            </Text>
            <Text size="sm" c="dimmed">
              profiles{preview.asOf && asOf ? ` as of ${formatTime(preview.asOf)}` : ' now'}
            </Text>
          </Group>
          {preview.groups.length > 1 && (
            <Group gap={4}>
              {preview.groups.map((g) => (
                <Badge key={g.pointer} variant="light" color="gray" title={`rule${g.pointer}`}>
                  #{Number(g.pointer.split('/').pop()) + 1} alone: {formatNumber(g.size)}
                </Badge>
              ))}
            </Group>
          )}
          <Table aria-label="Sample members" verticalSpacing={4} fz="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Profile</Table.Th>
                <Table.Th>Traits</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.sample.map((m) => (
                <Table.Tr key={m.profileId}>
                  <Table.Td ff="monospace">{m.profileId.slice(0, 8)}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {Object.entries(m.traits as Record<string, unknown>)
                      .filter(([name]) => !name.startsWith('audience:'))
                      .slice(0, 6)
                      .map(([name, v]) => `${name}: ${formatValue(v)}`)
                      .join(' · ')}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {preview.sample.length === 0 && (
            <Text size="sm" c="dimmed">
              No profile matches.
            </Text>
          )}
        </Stack>
      ) : (
        <Loader size="sm" aria-label="Loading the preview" />
      )}
    </Stack>
  );
}
