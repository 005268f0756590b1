import { Alert, Button, Grid, Group, Paper, Stack, TextInput, Textarea } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { useViewer } from '../../auth/auth-context';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { graphql } from '../../gql';
import type { AudienceDetailQuery as Detail } from '../../gql/graphql';
import { AudiencePreview } from './audience-preview';
import { AudienceDetailQuery, BuilderTraitsQuery, SaveAudienceMutation } from './audience-queries';
import { RuleEditor } from './rule-editor';
import { type GroupNode, incomplete, newGroup, newTrait, rootFromRule, toRule } from './rule-model';

const PlannedEventsQuery = graphql(`
  query PlannedEvents {
    eventHealth {
      event
    }
  }
`);

type Existing = NonNullable<Detail['audience']>;

function Builder({ existing }: { existing: Existing | null }) {
  const viewer = useViewer();
  const navigate = useNavigate();
  const [root, setRoot] = useState<GroupNode>(() =>
    existing ? rootFromRule(existing.rule) : newGroup('all', [newTrait()]),
  );
  const [asOf, setAsOf] = useState<string | null>(null);
  const [slug, setSlug] = useState(existing?.slug ?? '');
  const [name, setName] = useState(existing?.name ?? '');
  const [owner, setOwner] = useState(existing?.owner ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [saved, save] = useMutation(SaveAudienceMutation);
  const [traitsResult] = useQuery({ query: BuilderTraitsQuery });
  const [eventsResult] = useQuery({ query: PlannedEventsQuery, pause: !viewer.isAdmin });

  // Membership is read with an audience condition, never as a trait.
  const traits = useMemo(
    () =>
      (traitsResult.data?.traitDefinitions ?? []).filter((t) => !t.name.startsWith('audience:')),
    [traitsResult.data],
  );
  const events = useMemo(
    () => [
      ...new Set((eventsResult.data?.eventHealth ?? []).flatMap((e) => (e.event ? [e.event] : []))),
    ],
    [eventsResult.data],
  );
  const rule = useMemo(() => toRule(root), [root]);
  const blocked = incomplete(root);
  const saveError = saved.error?.graphQLErrors[0]?.message ?? saved.error?.message;

  const onSave = async () => {
    const input = {
      slug,
      name,
      rule,
      owner: owner || null,
      description: description || null,
      schedule: existing?.schedule ?? null,
    };
    const r = await save({ input });
    if (r.data) void navigate(`/audiences/${encodeURIComponent(r.data.saveAudience.slug)}`);
  };

  return (
    <>
      <PageHeader
        title={existing ? `Edit ${existing.name}` : 'New audience'}
        subtitle="Build the rule; the size and a sample follow every change. Saving makes the trait audience:<slug>."
      />
      <Grid gap="md">
        <Grid.Col span={8}>
          <Stack gap="md">
            <Paper withBorder p="md">
              <Group grow align="flex-start">
                <TextInput
                  label="Slug"
                  description="The trait will be audience:<slug>"
                  required
                  disabled={existing !== null}
                  value={slug}
                  onChange={(e) => setSlug(e.currentTarget.value)}
                />
                <TextInput
                  label="Name"
                  required
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                />
                <TextInput
                  label="Owner"
                  value={owner}
                  onChange={(e) => setOwner(e.currentTarget.value)}
                />
              </Group>
              <Textarea
                mt="xs"
                label="Description"
                autosize
                minRows={1}
                value={description}
                onChange={(e) => setDescription(e.currentTarget.value)}
              />
            </Paper>
            <Paper withBorder p="md">
              <RuleEditor root={root} onChange={setRoot} traits={traits} events={events} />
            </Paper>
            {saveError && (
              <Alert color="red" title="Not saved" role="alert">
                {saveError}
              </Alert>
            )}
            <Group>
              <Button
                onClick={() => void onSave()}
                loading={saved.fetching}
                disabled={blocked !== null || !slug || !name}
              >
                Save audience
              </Button>
              <Button
                variant="default"
                onClick={() =>
                  void navigate(existing ? `/audiences/${existing.slug}` : '/audiences')
                }
              >
                Cancel
              </Button>
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={4}>
          <Paper withBorder p="md" pos="sticky" top={16}>
            <AudiencePreview rule={rule} blocked={blocked} asOf={asOf} onAsOf={setAsOf} />
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}

export function AudienceBuilderPage() {
  const viewer = useViewer();
  const { slug } = useParams();
  const [result] = useQuery({
    query: AudienceDetailQuery,
    variables: { slug: slug ?? '' },
    pause: !slug,
  });
  if (!viewer.canWriteAudiences)
    return (
      <Alert color="gray" title="Read-only key" role="status">
        Building audiences needs a key with the audience:write scope.
      </Alert>
    );
  if (!slug) return <Builder existing={null} />;
  return (
    <QueryState label="the audience" result={result}>
      {(data) =>
        !data.audience ? (
          <Alert color="gray" title="No such audience" role="status">
            There is no audience {slug}.
          </Alert>
        ) : data.audience.readOnly ? (
          <Alert color="gray" title="Defined in a file" role="status">
            {slug} is defined in {data.audience.file}; change it there.
          </Alert>
        ) : (
          <Builder existing={data.audience} />
        )
      }
    </QueryState>
  );
}
