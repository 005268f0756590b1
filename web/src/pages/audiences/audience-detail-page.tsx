import { LineChart } from '@mantine/charts';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Grid,
  Group,
  Modal,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useViewer } from '../../auth/auth-context';
import { DateTime } from '../../components/date-time';
import { Facts } from '../../components/facts';
import { formatNumber, formatTime } from '../../components/format';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Section } from '../../components/section';
import type { AudienceDetailQuery as Detail } from '../../gql/graphql';
import {
  ArchiveAudienceMutation,
  AudienceDetailQuery,
  BuilderTraitsQuery,
} from './audience-queries';
import { AudienceVersions } from './audience-versions';
import { RuleEditor } from './rule-editor';
import { rootFromRule } from './rule-model';

type Audience = NonNullable<Detail['audience']>;

function SizeChart({ points }: { points: Audience['sizeHistory'] }) {
  if (points.length === 0)
    return (
      <Text size="sm" c="dimmed">
        Not evaluated yet.
      </Text>
    );
  const data = [...points].reverse().map((p) => ({
    hour: formatTime(p.hour).slice(5, 16),
    size: p.size,
    entered: p.entered,
    exited: p.exited,
  }));
  return (
    <LineChart
      h={200}
      data={data}
      dataKey="hour"
      series={[
        { name: 'size', color: 'indigo.6', label: 'Members' },
        { name: 'entered', color: 'teal.5', label: 'Entered' },
        { name: 'exited', color: 'red.5', label: 'Exited' },
      ]}
      withLegend
      yAxisProps={{ allowDecimals: false }}
      aria-label="Size over time"
    />
  );
}

function Members({ audience }: { audience: Audience }) {
  const { nodes, hasNextPage } = audience.members;
  if (nodes.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No members.
      </Text>
    );
  return (
    <>
      <Table aria-label="Members" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Identity</Table.Th>
            <Table.Th>Member since</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {nodes.map((m) => {
            const id = m.profile.identities[0];
            return (
              <Table.Tr key={m.profileId}>
                <Table.Td>
                  {id ? (
                    <Anchor
                      component={Link}
                      to={`/profiles?type=${encodeURIComponent(id.type)}&value=${encodeURIComponent(id.value)}`}
                    >
                      {id.type}:{id.value}
                    </Anchor>
                  ) : (
                    <Code>{m.profileId}</Code>
                  )}
                </Table.Td>
                <Table.Td>
                  <DateTime value={m.since} size="xs" />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {hasNextPage && (
        <Text size="xs" c="dimmed" mt="xs">
          The first {nodes.length} members, in profile order.
        </Text>
      )}
    </>
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function Actions({ audience }: { audience: Audience }) {
  const viewer = useViewer();
  const [confirm, setConfirm] = useState(false);
  const [archived, archive] = useMutation(ArchiveAudienceMutation);
  const canEdit = viewer.canWriteAudiences && !audience.readOnly && !audience.archived;
  return (
    <Group gap="xs">
      <Button variant="default" onClick={() => download(`${audience.slug}.yaml`, audience.yaml)}>
        Export YAML
      </Button>
      {canEdit && (
        <>
          <Button component={Link} to={`/audiences/${encodeURIComponent(audience.slug)}/edit`}>
            Edit
          </Button>
          <Button color="red" variant="light" onClick={() => setConfirm(true)}>
            Archive
          </Button>
        </>
      )}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={`Archive ${audience.name}?`}>
        <Stack>
          <Text size="sm">
            It stops being evaluated; its trait {audience.trait} keeps its history. Audiences that
            read it must stop first.
          </Text>
          {archived.error && (
            <Alert color="red" role="alert">
              {archived.error.graphQLErrors[0]?.message ?? archived.error.message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              Keep it
            </Button>
            <Button
              color="red"
              loading={archived.fetching}
              onClick={() =>
                void archive({ slug: audience.slug }).then((r) => r.data && setConfirm(false))
              }
            >
              Archive audience
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}

function AudienceView({ audience }: { audience: Audience }) {
  const [traits] = useQuery({ query: BuilderTraitsQuery });
  const deps = audience.dependencies;
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            {audience.name}
            {audience.readOnly && <Badge variant="light">read-only · {audience.origin}</Badge>}
            {audience.archived && <Badge color="gray">archived</Badge>}
          </Group>
        }
        subtitle={audience.description ?? undefined}
      >
        <Actions audience={audience} />
      </PageHeader>
      {audience.readOnly && (
        <Alert color="blue" mb="md" role="status" title="Defined in a file">
          This audience is defined in {audience.file}; change it there (the API refuses to save or
          archive it).
        </Alert>
      )}
      <Grid gap="md">
        <Grid.Col span={7}>
          <Stack gap="md">
            <Section title="Rule">
              <RuleEditor
                root={rootFromRule(audience.rule)}
                onChange={() => undefined}
                traits={traits.data?.traitDefinitions ?? []}
                events={[]}
                readOnly
              />
            </Section>
            <Section title="Versions">
              <AudienceVersions versions={audience.versions} />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={5}>
          <Stack gap="md">
            <Section title="About">
              <Facts
                label="About the audience"
                rows={[
                  [
                    'Trait',
                    <Anchor component={Link} to={`/traits/${encodeURIComponent(audience.trait)}`}>
                      {audience.trait}
                    </Anchor>,
                  ],
                  [
                    'Size',
                    <Text span fw={600}>
                      {formatNumber(audience.size)}
                    </Text>,
                  ],
                  ['Version', `v${audience.version}`],
                  ['Owner', audience.owner],
                  ['Evaluated', <DateTime value={audience.evaluatedAt} size="sm" />],
                  ['Schedule', audience.evaluationSchedule ?? 'on input changes only'],
                  [
                    'Reads',
                    [
                      ...deps.traits,
                      ...deps.events.map((e) => `event ${e}`),
                      ...deps.identities.map((i) => `identity ${i}`),
                      ...deps.audiences.map((a) => `audience ${a}`),
                    ].join(', '),
                  ],
                  [
                    'Origin',
                    audience.file ? `${audience.origin} · ${audience.file}` : audience.origin,
                  ],
                ]}
              />
            </Section>
            <Section title="Size over time">
              <SizeChart points={audience.sizeHistory} />
            </Section>
            <Section title="Members">
              <Members audience={audience} />
            </Section>
            <Section title="YAML">
              <Code block fz="xs">
                {audience.yaml}
              </Code>
            </Section>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}

export function AudienceDetailPage() {
  const { slug = '' } = useParams();
  const [result] = useQuery({ query: AudienceDetailQuery, variables: { slug } });
  return (
    <QueryState label="the audience" result={result}>
      {(data) =>
        data.audience ? (
          <AudienceView audience={data.audience} />
        ) : (
          <Alert color="gray" title="No such audience" role="status">
            There is no audience {slug}.
          </Alert>
        )
      }
    </QueryState>
  );
}
