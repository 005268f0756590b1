import { Injectable } from '@nestjs/common';
import { canReadTrait, Principal } from '../api-keys/scopes';
import {
  compareKeysetDesc,
  decodeCursor,
  encodeCursor,
  Keyset,
  usTextOf,
} from '../common/paging/keyset';
import {
  IDENTITY_CHANGE_RANK,
  IdentityHistory,
} from '../identity/history/identity-history.service';
import { provenanceOf } from '../profiles/trait-view';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { TRAIT_CHANGE_RANK, TraitTimeline } from '../traits/timeline/trait-timeline.service';
import type {
  ExplainChangeModel,
  ExplainChangePageModel,
  ExplainCorrectionPageModel,
} from './explain.models';
import { CHANGES_WINDOW_MS, graphAtOf, type Explanation } from './explanation';

// Identities recorded on the profile (no merge brought them) sort last among changes at an instant.
const IDENTITY_RECORDED_RANK = 2;

type Sorted = { node: Omit<ExplainChangeModel, 'cursor'>; key: Keyset };

// The lists of explain that grow with history, a page at a time: the changes of the 24 h before
// `at` (trait values, as known at `knownAt`, and the identity graph) and the later corrections.
@Injectable()
export class ExplainChangesService {
  constructor(
    private readonly timeline: TraitTimeline,
    private readonly history: IdentityHistory,
    private readonly registry: TraitRegistry,
  ) {}

  async changes(
    principal: Principal,
    e: Explanation,
    first: number,
    after?: string | null,
  ): Promise<ExplainChangePageModel> {
    const cursor = decodeCursor('after', after, [TRAIT_CHANGE_RANK, IDENTITY_CHANGE_RANK]);
    const from = new Date(e.at.getTime() - CHANGES_WINDOW_MS);
    const { members, id } = e.profile;
    const [names, traitIds] = await this.visibleTraits(principal);
    const [traits, merges] = await Promise.all([
      this.timeline.changesIn(members, from, e.at, e.knownAt, traitIds, cursor, first + 1),
      // Merges and unmerges take effect when recorded: none recorded after knownAt is known.
      this.history.changesIn(id, members, from, graphAtOf(e), cursor, first + 1),
    ]);
    const sorted: Sorted[] = [
      ...traits.map((r) => ({
        node: {
          kind: 'trait',
          at: r.stored.validFrom,
          trait: names.get(r.stored.traitId)!,
          before: r.hadBefore ? r.before : null,
          after: r.stored.value,
          provenance: provenanceOf(r.stored),
          merge: null,
          identity: null,
        },
        key: { at: r.sortAt, rank: TRAIT_CHANGE_RANK, key: r.id },
      })),
      ...merges.map((m) => ({
        node: {
          kind: m.entry.kind,
          at: m.entry.recordedAt,
          trait: null,
          before: null,
          after: null,
          provenance: null,
          merge: m.entry,
          identity: null,
        },
        key: { at: m.sortAt, rank: IDENTITY_CHANGE_RANK, key: m.id },
      })),
      ...this.recordedIdentities(e, from),
    ].filter((s) => !cursor || compareKeysetDesc(s.key, cursor) > 0);
    sorted.sort((a, b) => compareKeysetDesc(a.key, b.key));
    const page = sorted.slice(0, first);
    return {
      nodes: page.map((s) => ({ ...s.node, cursor: encodeCursor(s.key) })),
      nextCursor: sorted.length > first ? encodeCursor(page[page.length - 1].key) : null,
    };
  }

  // Values recorded after `knownAt` that were valid at `at`, through the identities the profile
  // had then (as known now), in the order they arrived.
  async corrections(
    principal: Principal,
    e: Explanation,
    first: number,
    after?: string | null,
  ): Promise<ExplainCorrectionPageModel> {
    const cursor = decodeCursor('after', after, [0]);
    const members = await this.history.membersAt(e.profile.id, e.at, e.askedAt);
    const [names, traitIds] = await this.visibleTraits(principal);
    const rows = await this.timeline.correctionsAt(
      members,
      e.at,
      e.knownAt,
      traitIds,
      cursor,
      first + 1,
    );
    const page = rows.slice(0, first);
    const cursorOf = (r: (typeof rows)[number]) =>
      encodeCursor({ at: r.sortAt, rank: 0, key: r.id });
    return {
      nodes: page.map((r) => ({
        trait: names.get(r.stored.traitId)!,
        value: r.stored.value,
        validFrom: r.stored.validFrom,
        arrivedAt: r.stored.ingestedAt,
        provenance: provenanceOf(r.stored),
        cursor: cursorOf(r),
      })),
      nextCursor: rows.length > first ? cursorOf(page[page.length - 1]) : null,
    };
  }

  // Identities recorded on the profile in the window (not brought by a merge).
  private recordedIdentities(e: Explanation, from: Date): Sorted[] {
    const [lo, hi] = [usTextOf(from), usTextOf(e.at)];
    return e.profile.members
      .filter((m) => !m.moved && m.joinedAt > lo && m.joinedAt <= hi)
      .map((m) => ({
        node: {
          kind: 'identity',
          at: new Date(m.joinedAt),
          trait: null,
          before: null,
          after: null,
          provenance: null,
          merge: null,
          identity: { type: m.type, value: m.value },
        },
        key: { at: m.joinedAt, rank: IDENTITY_RECORDED_RANK, key: `${m.type}\u0000${m.value}` },
      }));
  }

  // The traits this key may read (retired ones too: this is the past), by id.
  private async visibleTraits(principal: Principal): Promise<[Map<number, string>, number[]]> {
    const defs = (await this.registry.all()).filter((d) => canReadTrait(principal, d));
    return [new Map(defs.map((d) => [d.id, d.name])), defs.map((d) => d.id)];
  }
}
