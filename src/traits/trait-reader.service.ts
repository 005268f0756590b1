import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Keyset } from '../common/paging/keyset';
import { queryPrepared } from '../database/pg-pool';
import type { TimelineRow } from './timeline/trait-timeline.service';
import * as SQL from './trait-read.sql';
import { CurrentProfile, StoredValue, StoredValueRow, toStoredValue } from './stored-value';

@Injectable()
export class TraitReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // Current values (today's view) of many profiles at once; a read of the past is TraitTimeline's.
  async valuesOf(profileIds: readonly string[]): Promise<StoredValue[]> {
    const rows: StoredValueRow[] = await this.db.query(SQL.CURRENT_VALUES, [profileIds]);
    return rows.map(toStoredValue);
  }

  // Today's profile of a (normalised) identity with its current values, in one round trip; null
  // when no profile has the identity.
  async currentOf(type: string, value: string): Promise<CurrentProfile | null> {
    const rows = await queryPrepared<
      StoredValueRow & { current_profile_id: string; current_revision: string }
    >(this.db, 'traitbase_current_profile', SQL.CURRENT_PROFILE, [type, value]);
    if (rows.length === 0) return null;
    return {
      id: rows[0].current_profile_id,
      revision: Number(rows[0].current_revision),
      values: rows.filter((r) => r.profile_id !== null).map(toStoredValue),
    };
  }

  // Values in force at `at` on today's timelines (audience previews of a past moment).
  async valuesInForce(profileIds: readonly string[], at: Date): Promise<StoredValue[]> {
    const rows: StoredValueRow[] = await this.db.query(SQL.VALUES_IN_FORCE, [profileIds, at]);
    return rows.map(toStoredValue);
  }

  // Today's history of one trait, newest first, after the cursor of the previous page's last revision.
  async history(profileId: string, traitId: number, limit: number, after: Keyset | null): Promise<TimelineRow[]> {
    const rows: (StoredValueRow & { revision_id: string; sort_at: string })[] = await this.db.query(SQL.HISTORY, [
      profileId,
      traitId,
      limit,
      after?.at ?? null,
      after?.key ?? null,
    ]);
    return rows.map((r) => ({ stored: toStoredValue(r), id: r.revision_id, sortAt: r.sort_at }));
  }
}
