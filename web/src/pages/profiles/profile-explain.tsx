import { Alert, Badge, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from 'urql';
import { DateTime } from '../../components/date-time';
import { formatTime, formatValue } from '../../components/format';
import { QueryState } from '../../components/query-state';
import { RunId } from '../../components/run-id';
import type { ExplainQuery as ExplainResult } from '../../gql/graphql';
import type { IdentityKey } from './profile-lookup';
import { ExplainQuery } from './profile-queries';

type Explanation = NonNullable<ExplainResult['explain']>;

function Values({ values }: { values: Explanation['values'] }) {
  return (
    <Table aria-label="Explained values" verticalSpacing={4} fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Trait</Table.Th>
          <Table.Th>Value served</Table.Th>
          <Table.Th>Because</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {values.map(({ trait, definition, merge }) => {
          const p = trait.provenance;
          return (
            <Table.Tr key={trait.name} data-trait={trait.name}>
              <Table.Td fw={500}>{trait.name}</Table.Td>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                {formatValue(trait.value, trait.type)}
              </Table.Td>
              <Table.Td>
                {p ? (
                  <Stack gap={0}>
                    <Text size="xs">
                      {p.sourceKind}
                      {p.runId && (
                        <>
                          {' run '}
                          <RunId id={p.runId} />
                        </>
                      )}{' '}
                      · definition v{definition?.version ?? p.definitionVersion}
                      {p.modelVersion ? ` · model ${p.modelVersion}` : ''}
                    </Text>
                    <Text size="xs" c="dimmed">
                      observed {formatTime(p.observedAt)} via {p.identity.type}:{p.identity.value}
                    </Text>
                    {merge && (
                      <Text size="xs" c="grape">
                        identity joined by {merge.kind} ({merge.rule}, {merge.cause.kind}) at{' '}
                        {formatTime(merge.recordedAt)}
                      </Text>
                    )}
                  </Stack>
                ) : (
                  '—'
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function changeText(c: Explanation['changes']['nodes'][number]): string {
  if (c.kind === 'trait') return `${c.trait}: ${formatValue(c.before)} → ${formatValue(c.after)}`;
  if (c.kind === 'identity') return `identity ${c.identity?.type}:${c.identity?.value} recorded`;
  return `${c.kind}${c.merge ? ` (${c.merge.rule})` : ''}${c.identity ? ` of ${c.identity.type}:${c.identity.value}` : ''}`;
}

function ExplanationView({ e }: { e: Explanation }) {
  // knownAt defaults to `at` (what was served then); another one reads `at` as known then.
  const servedThen = e.knownAt === e.at;
  return (
    <Stack gap="md">
      {servedThen ? (
        <Text size="sm">
          What was served at <b>{formatTime(e.at)}</b> (valid then, as known then) from profile{' '}
          <Code>{e.profile.id.slice(0, 8)}</Code>, revision {e.profile.revision}.
        </Text>
      ) : (
        <Text size="sm">
          What was true at <b>{formatTime(e.at)}</b> as known at <b>{formatTime(e.knownAt)}</b>{' '}
          (only what had been recorded by then) from profile <Code>{e.profile.id.slice(0, 8)}</Code>
          , revision {e.profile.revision}.
        </Text>
      )}
      <Values values={e.values} />
      <div>
        <Title order={4} size="h6" mb={4}>
          Audiences then
        </Title>
        {e.memberships.length === 0 ? (
          <Text size="sm" c="dimmed">
            None.
          </Text>
        ) : (
          <Group gap={4}>
            {e.memberships.map((m) => (
              <Badge
                key={m.audience}
                variant="light"
                title={m.since ? `since ${formatTime(m.since)}` : undefined}
              >
                {m.audience}
              </Badge>
            ))}
          </Group>
        )}
      </div>
      <div>
        <Title order={4} size="h6" mb={4}>
          Changes in the 24 h before
        </Title>
        {e.changes.nodes.length === 0 ? (
          <Text size="sm" c="dimmed">
            None.
          </Text>
        ) : (
          <Stack gap={2} aria-label="Changes before" role="list">
            {e.changes.nodes.map((c, i) => (
              <Group key={i} gap="xs" role="listitem">
                <DateTime value={c.at} size="xs" />
                <Text size="sm">{changeText(c)}</Text>
              </Group>
            ))}
          </Stack>
        )}
      </div>
      <div>
        <Title order={4} size="h6" mb={4}>
          {servedThen
            ? 'Corrections recorded later'
            : `Corrections recorded after ${formatTime(e.knownAt)}`}
        </Title>
        {e.corrections.nodes.length === 0 ? (
          <Text size="sm" c="dimmed">
            None: nothing recorded since changes what was true then.
          </Text>
        ) : (
          <Stack gap={2}>
            {e.corrections.nodes.map((c, i) => (
              <Text key={i} size="sm">
                {c.trait}: {formatValue(c.value)} — valid from {formatTime(c.validFrom)}, arrived{' '}
                {formatTime(c.arrivedAt)}
              </Text>
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}

// explain(identity, at, knownAt): what was served at a moment and why; with knownAt (the profile
// page's "Known at" picker), what had been recorded by then about that moment.
export function ProfileExplain({
  identity,
  at,
  knownAt,
}: {
  identity: IdentityKey;
  at: string;
  knownAt: string | null;
}) {
  const [result] = useQuery({ query: ExplainQuery, variables: { identity, at, knownAt } });
  return (
    <QueryState label="the explanation" result={result}>
      {(data) =>
        data.explain ? (
          <ExplanationView e={data.explain} />
        ) : (
          <Alert color="gray" role="status" title="Not known then">
            The identity {identity.type}:{identity.value} was not recorded by{' '}
            {formatTime(knownAt && Date.parse(knownAt) < Date.parse(at) ? knownAt : at)}.
          </Alert>
        )
      }
    </QueryState>
  );
}
