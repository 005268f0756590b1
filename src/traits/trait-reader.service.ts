import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import * as SQL from './trait-read.sql';
import { StoredValue, StoredValueRow, toStoredValue } from './stored-value';

@Injectable()
export class TraitReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // Current values (asOf undefined) or values in force at asOf, for many profiles at once.
  async valuesOf(profileIds: readonly string[], asOf?: Date): Promise<StoredValue[]> {
    const rows: StoredValueRow[] = asOf
      ? await this.db.query(SQL.VALUES_AS_OF, [profileIds, asOf])
      : await this.db.query(SQL.CURRENT_VALUES, [profileIds]);
    return rows.map(toStoredValue);
  }

  async history(profileId: string, traitId: number, limit: number, asOf?: Date): Promise<StoredValue[]> {
    const rows: StoredValueRow[] = await this.db.query(SQL.HISTORY, [profileId, traitId, asOf ?? null, limit]);
    return rows.map(toStoredValue);
  }

  async profileRevisionAsOf(profileId: string, asOf: Date): Promise<number> {
    const [row] = await this.db.query<{ revision: string | null }[]>(SQL.PROFILE_REVISION_AS_OF, [profileId, asOf]);
    return Number(row?.revision ?? 0);
  }
}
