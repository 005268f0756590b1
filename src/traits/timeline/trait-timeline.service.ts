import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Keyset, keysetFor } from '../../common/paging/keyset';
import { StoredValue, StoredValueRow, toStoredValue } from '../stored-value';
import * as SQL from './trait-timeline.sql';

export interface IdentityRef {
  type: string;
  value: string;
}

// A revision read for a list, with where it sorts (its cursor).
export interface TimelineRow {
  stored: StoredValue;
  id: string;
  sortAt: string;
}

export interface ChangeRow extends TimelineRow {
  // The value before it, as known then; hadBefore false when there was none.
  before: unknown;
  hadBefore: boolean;
}

type Row = StoredValueRow & { revision_id: string; sort_at: string };

const types = (ids: readonly IdentityRef[]) => ids.map((i) => i.type);
const values = (ids: readonly IdentityRef[]) => ids.map((i) => i.value);
const toRow = (r: Row): TimelineRow => ({
  stored: toStoredValue(r),
  id: r.revision_id,
  sortAt: r.sort_at,
});

// Where trait changes sort among the changes explain lists at the same instant.
export const TRAIT_CHANGE_RANK = 0;

// Bitemporal reads of the values that arrived through a set of identities (a profile's identities
// at some instant): valid at `asOf` (valid time) among what was recorded by `knownAt` (transaction
// time). See trait-timeline.sql.ts for what is read and why it cannot change later.
@Injectable()
export class TraitTimeline {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async valuesAt(
    members: readonly IdentityRef[],
    asOf: Date,
    knownAt: Date,
  ): Promise<StoredValue[]> {
    if (members.length === 0) return [];
    const rows = await this.db.query<Row[]>(SQL.VALUES_AT, [
      types(members),
      values(members),
      asOf,
      knownAt,
    ]);
    return rows.map(toStoredValue);
  }

  async revisionAt(members: readonly IdentityRef[], asOf: Date, knownAt: Date): Promise<number> {
    if (members.length === 0) return 0;
    const [row] = await this.db.query<{ revision: string | null }[]>(SQL.REVISION_AT, [
      types(members),
      values(members),
      asOf,
      knownAt,
    ]);
    return Number(row?.revision ?? 0);
  }

  async historyAt(
    members: readonly IdentityRef[],
    traitId: number,
    asOf: Date,
    knownAt: Date,
    limit: number,
    after: Keyset | null,
  ): Promise<TimelineRow[]> {
    if (members.length === 0) return [];
    const rows = await this.db.query<(Row & { valid_to_known: Date | null })[]>(SQL.HISTORY_AT, [
      types(members),
      values(members),
      traitId,
      asOf,
      knownAt,
      limit,
      after?.at ?? null,
      after?.key ?? null,
    ]);
    return rows.map((r) => toRow({ ...r, valid_to: r.valid_to_known }));
  }

  async changesIn(
    members: readonly IdentityRef[],
    from: Date,
    to: Date,
    knownAt: Date,
    traitIds: readonly number[],
    after: Keyset | null,
    limit: number,
  ): Promise<ChangeRow[]> {
    if (members.length === 0 || traitIds.length === 0) return [];
    const k = keysetFor(after, TRAIT_CHANGE_RANK);
    const rows = await this.db.query<
      (Row & { before_value: unknown; had_before: boolean | null })[]
    >(SQL.CHANGES_IN, [
      types(members),
      values(members),
      from,
      to,
      traitIds,
      k.at,
      k.mode,
      k.key,
      limit,
      knownAt,
    ]);
    return rows.map((r) => ({
      ...toRow(r),
      before: r.before_value,
      hadBefore: r.had_before === true,
    }));
  }

  async correctionsAt(
    members: readonly IdentityRef[],
    at: Date,
    knownAt: Date,
    traitIds: readonly number[],
    after: Keyset | null,
    limit: number,
  ): Promise<TimelineRow[]> {
    if (members.length === 0 || traitIds.length === 0) return [];
    const rows = await this.db.query<Row[]>(SQL.CORRECTIONS_AT, [
      types(members),
      values(members),
      at,
      traitIds,
      after?.at ?? null,
      after?.key ?? null,
      limit,
      knownAt,
    ]);
    return rows.map(toRow);
  }
}
