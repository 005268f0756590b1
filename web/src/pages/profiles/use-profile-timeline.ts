import { useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import type { ProfileQuery } from '../../gql/graphql';
import type { IdentityKey } from './profile-lookup';
import { TraitHistoryQuery } from './profile-queries';

type Profile = NonNullable<ProfileQuery['profile']>;

export interface RevisionItem {
  kind: 'revision';
  at: string;
  trait: string;
  type: string;
  value: unknown;
  previous: unknown;
  sourceKind: string;
  runId: string | null;
  definitionVersion: number;
}

export type TimelineItem =
  RevisionItem | { kind: 'merge'; at: string; merge: Profile['merges'][number] };

// The moment a profile is read at (docs/time-travel.md): valid time, and what had been recorded by
// then; null for now.
export interface ProfileMoment {
  asOf: string | null;
  knownAt: string | null;
}

const PER_TRAIT = 20;
const time = (iso: string) => new Date(iso).getTime();

// The latest PER_TRAIT revisions of every trait on the profile, as of the profile's moment: one
// history query per trait, sent together; fetched again when the profile's revision moves.
function useRevisions(identity: IdentityKey, moment: ProfileMoment, profile: Profile) {
  const client = useClient();
  const [state, setState] = useState<{ items: RevisionItem[]; loading: boolean; error?: string }>({
    items: [],
    loading: true,
  });
  // A string, so the effect runs again only when the set of traits changes.
  const traits = JSON.stringify(profile.traits.map((t) => [t.name, t.type]));
  const { type, value } = identity;
  const { asOf, knownAt } = moment;

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const fetches = (JSON.parse(traits) as [string, string][]).map(async ([trait, traitType]) => {
      const vars = { identity: { type, value }, asOf, knownAt, trait, limit: PER_TRAIT };
      const r = await client
        .query(TraitHistoryQuery, vars, { requestPolicy: 'network-only' })
        .toPromise();
      if (r.error) throw new Error(r.error.graphQLErrors[0]?.message ?? r.error.message);
      const history = r.data?.profile?.history ?? [];
      return history.map((h, i): RevisionItem => ({
        kind: 'revision',
        at: h.validFrom,
        trait,
        type: traitType,
        value: h.value,
        previous: history[i + 1]?.value,
        sourceKind: h.provenance.sourceKind,
        runId: h.provenance.runId,
        definitionVersion: h.provenance.definitionVersion,
      }));
    });
    Promise.all(fetches).then(
      (lists) => live && setState({ items: lists.flat(), loading: false }),
      (err: Error) => live && setState({ items: [], loading: false, error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [client, type, value, asOf, knownAt, traits, profile.revision]);

  return state;
}

// Revisions and merges, newest first.
export function useProfileTimeline(identity: IdentityKey, moment: ProfileMoment, profile: Profile) {
  const revisions = useRevisions(identity, moment, profile);
  // The valid time read (asOf defaults to knownAt in the API, which answers it as profile.asOf).
  const asOf = profile.asOf ?? moment.asOf;
  const items = useMemo(() => {
    const until = asOf ? time(asOf) : Infinity;
    const merges: TimelineItem[] = profile.merges
      .filter((m) => time(m.at) <= until)
      .map((merge) => ({ kind: 'merge', at: merge.at, merge }));
    // Revisions of another moment may still be shown while this moment's are read: none after it.
    const revisionsThen = revisions.items.filter((r) => time(r.at) <= until);
    return [...revisionsThen, ...merges].sort((a, b) => time(b.at) - time(a.at));
  }, [revisions.items, profile.merges, asOf]);
  return { items, loading: revisions.loading, error: revisions.error };
}
