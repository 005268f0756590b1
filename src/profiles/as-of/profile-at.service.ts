import { Injectable } from '@nestjs/common';
import type { Keyset } from '../../common/paging/keyset';
import type { MergeLogEntryModel } from '../../identity/graphql/identity.models';
import { IdentityHistory } from '../../identity/history/identity-history.service';
import { MergeLogService } from '../../identity/merge-log.service';
import type { StoredValue } from '../../traits/stored-value';
import { TimelineRow, TraitTimeline } from '../../traits/timeline/trait-timeline.service';
import type { HistoricalRef, ProfileRef } from '../profile-ref';
import type { IdentityModel } from '../profile.model';
import { readInstants } from './read-instants';

// A profile read as of a past instant (docs/time-travel.md): the identity resolves to the profile
// it was on then, and every field answers from that profile's identities then and from what had
// been recorded by knownAt — facts that no later write, merge or unmerge changes.
@Injectable()
export class ProfileAt {
  constructor(
    private readonly history: IdentityHistory,
    private readonly timeline: TraitTimeline,
    private readonly mergeLog: MergeLogService,
  ) {}

  // Null when the identity was not known at knownAt. Without asOf and knownAt, use today's view.
  async resolve(
    type: string,
    value: string,
    asOf: Date | null | undefined,
    knownAt: Date | null | undefined,
    now = new Date(),
  ): Promise<ProfileRef | null> {
    const at = readInstants(asOf, knownAt, now);
    if (!at) throw new Error('ProfileAt.resolve needs asOf or knownAt');
    const id = await this.history.profileAt(type, value, at.graphAt, at.knownAt);
    if (!id) return null;
    const members = await this.history.membersAt(id, at.graphAt, at.knownAt);
    const revision = await this.timeline.revisionAt(members, at.asOf, at.knownAt);
    return { id, revision, asOf: at.asOf, knownAt: at.knownAt, members };
  }

  values(ref: HistoricalRef): Promise<StoredValue[]> {
    return this.timeline.valuesAt(ref.members, ref.asOf, ref.knownAt);
  }

  // Sightings are not kept over time: lastSeenAt is null on a read of the past.
  identities(ref: HistoricalRef): IdentityModel[] {
    return ref.members.map((m) => ({
      type: m.type,
      value: m.value,
      sourceKind: m.sourceKind,
      firstSeenAt: m.firstSeenAt,
      lastSeenAt: null,
    }));
  }

  historyOf(
    ref: HistoricalRef,
    traitId: number,
    limit: number,
    after: Keyset | null,
  ): Promise<TimelineRow[]> {
    return this.timeline.historyAt(ref.members, traitId, ref.asOf, ref.knownAt, limit, after);
  }

  async merges(ref: HistoricalRef): Promise<MergeLogEntryModel[]> {
    const graphAt = ref.asOf < ref.knownAt ? ref.asOf : ref.knownAt;
    const [entries] = await this.mergeLog.mergesOf([ref.id], graphAt);
    return entries;
  }
}
