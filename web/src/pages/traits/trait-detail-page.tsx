import { Alert, Anchor, Badge, Code, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useQuery } from 'urql';
import { useViewer } from '../../auth/auth-context';
import { DateTime } from '../../components/date-time';
import { Facts } from '../../components/facts';
import { formatDuration } from '../../components/format';
import { FreshnessBadge } from '../../components/freshness-badge';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { RunId } from '../../components/run-id';
import { Section } from '../../components/section';
import { StatusBadge } from '../../components/status-badge';
import type { TraitDetailQuery as TraitDetailResult } from '../../gql/graphql';
import { idleRunsText, runCountsText, runMode } from './run-mode';
import { TraitDistributionChart } from './trait-distribution-chart';
import { TraitLineage } from './trait-lineage';
import { TraitDetailQuery } from './trait-queries';
import { TraitVersions } from './trait-versions';

type Trait = NonNullable<TraitDetailResult['traitDefinition']>;

// The latest run that did work (docs/ui.md#last-run), then the idle incremental runs since.
function LastRun({
  summary,
  sourceKind,
}: {
  summary: Trait['lastRunWithWork'];
  sourceKind: string;
}) {
  const run = summary?.run;
  const idle = summary && idleRunsText(summary);
  if (!run)
    return (
      <Text size="sm" c="dimmed">
        {idle ?? 'This source has no runs yet, or runs per write.'}
      </Text>
    );
  return (
    <Facts
      label="Last run"
      rows={[
        ['Run', <RunId key="r" id={run.id} full />],
        ['Status', <StatusBadge key="s" status={run.status} />],
        ['Mode', runMode(run, sourceKind)],
        ['Did', runCountsText(run, sourceKind, false)],
        ['Started', <DateTime key="t" value={run.startedAt} />],
        ['Duration', formatDuration(run.durationMs)],
        ['Read', run.counts.read],
        ['Changed', run.counts.changed],
        ['Unchanged', run.counts.unchanged],
        ['Rejected', run.counts.rejected],
        [
          'Error',
          run.error && (
            <Text key="e" size="sm" c="red">
              {run.error}
            </Text>
          ),
        ],
        ['Since then', idle ?? 'no other run'],
      ]}
    />
  );
}

function TraitDetail({ trait, isAdmin }: { trait: Trait; isAdmin: boolean }) {
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            {trait.name}
            <Badge variant="outline" color="gray">
              {trait.sourceKind}
            </Badge>
            {trait.pii && (
              <Badge color="grape" variant="light">
                PII
              </Badge>
            )}
            {trait.retired && <Badge color="gray">retired</Badge>}
          </Group>
        }
        subtitle={trait.description ?? 'No description'}
      >
        <FreshnessBadge {...trait} lastRun={trait.lastRun} />
      </PageHeader>
      <SimpleGrid cols={2} spacing="md">
        <Section title="Definition">
          <Facts
            label="Definition"
            rows={[
              ['Type', trait.type],
              ['Owner', trait.owner],
              ['Freshness', trait.freshness ?? 'no limit'],
              ['Readable by', trait.exposure.join(', ')],
              ['Column', trait.column && <Code key="c">{trait.column}</Code>],
              ['Values', trait.values?.join(', ')],
              ['Version', `${trait.version} (${trait.schemaVersion})`],
              ['Managed in', trait.origin],
              ['Updated', <DateTime key="u" value={trait.updatedAt} />],
            ]}
          />
        </Section>
        <Stack gap="md">
          <Section title="Lineage">
            <TraitLineage trait={trait} />
          </Section>
          {isAdmin && (
            <Section title="Last run">
              <LastRun summary={trait.lastRunWithWork} sourceKind={trait.sourceKind} />
            </Section>
          )}
        </Stack>
        <Section title="Current values">
          <TraitDistributionChart trait={trait} />
        </Section>
        <Section title="Definition versions">
          <TraitVersions versions={trait.versions} />
        </Section>
      </SimpleGrid>
    </>
  );
}

export function TraitDetailPage() {
  const { name = '' } = useParams();
  const viewer = useViewer();
  const [result] = useQuery({
    query: TraitDetailQuery,
    variables: { name, admin: viewer.isAdmin },
  });
  return (
    <>
      <Anchor component={Link} to="/traits" size="sm">
        ← All traits
      </Anchor>
      <QueryState label={`trait ${name}`} result={result}>
        {(data) =>
          data.traitDefinition ? (
            <TraitDetail trait={data.traitDefinition} isAdmin={viewer.isAdmin} />
          ) : (
            <Alert color="gray" title="No such trait" mt="md" role="status">
              No trait is named {name}.
            </Alert>
          )
        }
      </QueryState>
    </>
  );
}
