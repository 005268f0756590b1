import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { MergeLogEntryModel } from '../identity/graphql/identity.models';
import type { IdentityEntity } from '../identity/identity.entity';
import { IdentityService } from '../identity/identity.service';
import { MergeLogService } from '../identity/merge-log.service';
import type { StoredValue } from '../traits/stored-value';
import { TraitReader } from '../traits/trait-reader.service';
import { ProfileCache } from './cache/profile-cache.service';

export interface ProfileLoaders {
  // Today's values; a profile read as of a past time is answered by ProfileAt.
  values: DataLoader<string, StoredValue[]>;
  identities: DataLoader<string, IdentityEntity[]>;
  merges: DataLoader<string, MergeLogEntryModel[]>;
}

function groupBy<T>(ids: readonly string[], rows: T[], key: (row: T) => string): T[][] {
  const map = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) map.get(key(row))?.push(row);
  return ids.map((id) => map.get(id) ?? []);
}

// Per-request loaders: a list of profiles reads its traits and identities in one query each.
@Injectable()
export class ProfilesLoaderFactory {
  constructor(
    private readonly reader: TraitReader,
    private readonly identities: IdentityService,
    private readonly mergeLog: MergeLogService,
    private readonly cache: ProfileCache,
  ) {}

  create(): ProfileLoaders {
    return {
      values: new DataLoader(async (ids) =>
        groupBy(
          ids,
          await this.cache.valuesOf(ids, (missing) => this.reader.valuesOf(missing)),
          (r) => r.profileId,
        ),
      ),
      identities: new DataLoader(async (ids) =>
        groupBy(ids, await this.identities.listByProfiles(ids), (r) => r.profileId),
      ),
      merges: new DataLoader((ids) => this.mergeLog.mergesOf(ids)),
    };
  }
}
