import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FeedChange, FeedRow, toFeedChange } from './feed-change';
import * as SQL from './feed.sql';

export const MAX_CATCH_UP = 1000;

// Reads of the feed for live consumers that catch up on their own (a subscriber resuming after
// its last position).
@Injectable()
export class FeedReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  // The changes of these profiles after `position`, in commit order, at most `limit`.
  async since(
    profileIds: readonly string[],
    position: number,
    limit = MAX_CATCH_UP,
  ): Promise<FeedChange[]> {
    const rows: FeedRow[] = await this.db.query(SQL.PROFILE_CHANGES_SINCE, [
      profileIds,
      position,
      limit,
    ]);
    return rows.map(toFeedChange);
  }

  async lastPosition(): Promise<number> {
    const [row]: { position: string }[] = await this.db.query(SQL.LAST_POSITION);
    return Number(row.position);
  }
}
