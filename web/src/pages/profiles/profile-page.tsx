import { Alert, Badge, Button, Code, Drawer, Grid, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { AsOfPicker } from '../../components/as-of-picker';
import { formatTime } from '../../components/format';
import { PageHeader } from '../../components/page-header';
import { QueryState } from '../../components/query-state';
import { Section } from '../../components/section';
import type { ProfileQuery as ProfileResult } from '../../gql/graphql';
import { ProfileExplain } from './profile-explain';
import { ProfileIdentities } from './profile-identities';
import { type IdentityKey, ProfileLookup } from './profile-lookup';
import { ProfileQuery } from './profile-queries';
import { ProfileTimeline } from './profile-timeline';
import { ProfileTraits } from './profile-traits';
import { useLiveProfile } from './use-live-profile';
import { type ProfileMoment, useProfileTimeline } from './use-profile-timeline';

type Profile = NonNullable<ProfileResult['profile']>;

type OnMoment = (next: Partial<ProfileMoment>) => void;

// The profile at one moment: traits with provenance, identities, and the timeline up to then.
// "Why?" opens explain(identity, at) for the same moment.
function ProfileView({
  identity,
  moment,
  profile,
  onMoment,
  live,
}: {
  identity: IdentityKey;
  moment: ProfileMoment;
  profile: Profile;
  onMoment: OnMoment;
  live: boolean;
}) {
  const timeline = useProfileTimeline(identity, moment, profile);
  // The moment explained: the "as of", or the instant "Why?" was pressed; as known at the "Known
  // at" picker's moment when one is set (else what was served then).
  const [explainAt, setExplainAt] = useState<string | null>(null);
  const explainKnownAt = moment.knownAt ? (profile.knownAt ?? moment.knownAt) : null;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Group gap="sm">
          <Text size="sm">
            Profile <Code>{profile.id}</Code>
          </Text>
          <Badge variant="light">revision {profile.revision}</Badge>
          {live && (
            <Badge color="teal" variant="dot" title="Changes appear as they are committed">
              live
            </Badge>
          )}
          {profile.asOf && (
            <Badge color="orange" variant="light">
              as of {formatTime(profile.asOf)}
            </Badge>
          )}
          {moment.knownAt && profile.knownAt && (
            <Badge color="yellow" variant="light">
              known at {formatTime(profile.knownAt)}
            </Badge>
          )}
        </Group>
        <Button
          variant="light"
          onClick={() => setExplainAt(profile.asOf ?? new Date().toISOString())}
        >
          Why? (explain)
        </Button>
      </Group>
      <Drawer
        opened={explainAt !== null}
        onClose={() => setExplainAt(null)}
        position="right"
        size="xl"
        title={
          <Text fw={600}>
            Explain {identity.type}:{identity.value}
          </Text>
        }
      >
        {explainAt && (
          <ProfileExplain identity={identity} at={explainAt} knownAt={explainKnownAt} />
        )}
      </Drawer>
      <Section title="Traits">
        <ProfileTraits traits={profile.traits} />
      </Section>
      <Grid gap="md">
        <Grid.Col span={5}>
          <Section title="Identities">
            <ProfileIdentities identities={profile.identities} />
          </Section>
        </Grid.Col>
        <Grid.Col span={7}>
          <Section title="Timeline">
            <ProfileTimeline {...timeline} onOpenAt={(iso) => onMoment({ asOf: iso })} />
          </Section>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function LoadedProfile({
  identity,
  moment,
  onMoment,
}: {
  identity: IdentityKey;
  moment: ProfileMoment;
  onMoment: OnMoment;
}) {
  const { asOf, knownAt } = moment;
  const [result, reexecute] = useQuery({
    query: ProfileQuery,
    variables: { identity, asOf, knownAt },
  });
  const now = asOf === null && knownAt === null;
  const live = useLiveProfile(identity, now, () => reexecute({ requestPolicy: 'network-only' }));
  // The pickers stay when no profile answers (one not known yet at that moment), to move on.
  return (
    <Stack gap="md">
      <Group align="flex-end" gap="lg">
        <AsOfPicker label="As of (UTC)" value={asOf} onChange={(iso) => onMoment({ asOf: iso })} />
        <AsOfPicker
          label="Known at (UTC)"
          value={knownAt}
          onChange={(iso) => onMoment({ knownAt: iso })}
          description="Only what had been recorded by then"
        />
      </Group>
      <QueryState label="the profile" result={result}>
        {(data) =>
          data.profile ? (
            <ProfileView
              identity={identity}
              moment={moment}
              profile={data.profile}
              onMoment={onMoment}
              live={live}
            />
          ) : (
            <Alert color="gray" title="No profile" role="status">
              No profile has the identity {identity.type}:{identity.value}
              {now ? '' : ' (identities are looked up as they are now)'}.
            </Alert>
          )
        }
      </QueryState>
    </Stack>
  );
}

// The lookup and the moment live in the address (?type=&value=&asOf=&knownAt=), so a view can be
// shared.
export function ProfilePage() {
  const [params, setParams] = useSearchParams();
  const type = params.get('type');
  const value = params.get('value');
  const identity = type && value ? { type, value } : null;
  const moment = { asOf: params.get('asOf'), knownAt: params.get('knownAt') };

  const update = (next: Record<string, string | null>) => {
    // From the address itself: the router renders a navigation as a transition, so a change made a
    // moment ago (the other picker) may not have reached `params` yet, and must not be lost.
    const merged = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(next)) {
      if (v === null) merged.delete(k);
      else merged.set(k, v);
    }
    setParams(merged);
  };

  return (
    <>
      <PageHeader
        title="Profile explorer"
        subtitle="Look a profile up by any of its identities; read it as it was at any moment"
      />
      <Stack gap="lg">
        <ProfileLookup
          key={identity ? `lookup:${identity.type}:${identity.value}` : 'lookup'}
          initial={identity}
          onLookup={(id) => update({ type: id.type, value: id.value, asOf: null, knownAt: null })}
        />
        {identity && (
          <LoadedProfile
            key={`profile:${identity.type}:${identity.value}`}
            identity={identity}
            moment={moment}
            onMoment={update}
          />
        )}
      </Stack>
    </>
  );
}
