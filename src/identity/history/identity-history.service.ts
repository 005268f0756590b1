import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { Keyset, keysetFor } from '../../common/paging/keyset';
import { identityKey } from '../engine/prepare-observation';
import type { MergeLogEntryModel } from '../graphql/identity.models';
import { normalizeIdentity } from '../identity-normalizer';
import { MergeLogRow, toMergeLogEntry } from '../merge-log.service';
import type { IdentityAt } from './identity-at';
import * as SQL from './identity-history.sql';

interface MemberRow {
  type: string;
  value: string;
  source_kind: string;
  first_seen_at: Date;
  moved: boolean;
  joined_at: string;
}

export interface IdentityChangeRow {
  entry: MergeLogEntryModel;
  id: string;
  sortAt: string;
}

// Dated identity membership (docs/time-travel.md): which profile an identity was on, and which
// identities a profile had, at a valid time `at` as known at `knownAt`. Merges and unmerges take
// effect when they are recorded, so `at` is min(asOf, knownAt) for the callers.
@Injectable()
export class IdentityHistory {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // Null when the identity was not known at knownAt (or is blocked: it never links anything).
  async profileAt(type: string, value: string, at: Date, knownAt: Date): Promise<string | null> {
    const id = normalizeIdentity(type, value);
    if (!id.ok && id.blocked) return null;
    if (!id.ok) throw new DomainError(ErrorCode.INVALID_INPUT, id.reason);
    const [row] = await this.db.query<{ profile_id: string }[]>(SQL.PROFILE_OF_IDENTITY_AT, [
      id.type,
      id.value,
      at,
      knownAt,
    ]);
    return row?.profile_id ?? null;
  }

  async membersAt(profileId: string, at: Date, knownAt: Date): Promise<IdentityAt[]> {
    const rows = await this.db.query<MemberRow[]>(SQL.MEMBERS_AT, [profileId, at, knownAt]);
    return rows.map((r) => ({
      type: r.type,
      value: r.value,
      sourceKind: r.source_kind,
      firstSeenAt: r.first_seen_at,
      moved: r.moved,
      joinedAt: r.joined_at,
    }));
  }

  // The merge or unmerge that brought each identity where it was at `at`, by identity key;
  // identities that were there from the start are absent.
  async arrivals(
    identities: readonly { type: string; value: string }[],
    at: Date,
  ): Promise<Map<string, MergeLogEntryModel>> {
    if (identities.length === 0) return new Map();
    const rows = await this.db.query<
      (MergeLogRow & { id: string; identity_type: string; identity_value: string })[]
    >(SQL.ARRIVALS, [identities.map((i) => i.type), identities.map((i) => i.value), at]);
    return new Map(
      rows.map((r) => [identityKey(r.identity_type, r.identity_value), toMergeLogEntry(r)]),
    );
  }

  // Merges and unmerges recorded in (from, to] that moved identities of the profile or off it,
  // newest first, after the cursor.
  async changesIn(
    profileId: string,
    members: readonly { type: string; value: string }[],
    from: Date,
    to: Date,
    after: Keyset | null,
    limit: number,
  ): Promise<IdentityChangeRow[]> {
    const k = keysetFor(after, IDENTITY_CHANGE_RANK);
    const rows = await this.db.query<(MergeLogRow & { id: string; sort_at: string })[]>(
      SQL.IDENTITY_CHANGES,
      [
        profileId,
        members.map((m) => m.type),
        members.map((m) => m.value),
        from,
        to,
        k.at,
        k.mode,
        k.key,
        limit,
      ],
    );
    return rows.map((r) => ({ entry: toMergeLogEntry(r), id: r.id, sortAt: r.sort_at }));
  }
}

// Where merge-log entries sort among the changes explain lists at the same instant.
export const IDENTITY_CHANGE_RANK = 1;
