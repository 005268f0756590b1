import type { DataSource } from 'typeorm';
import * as SQL from './feed.sql';

export interface MissedBatch {
  xid: string;
  count: number;
}

// A process's position in the feed for its live listeners: which committed batches it has
// delivered. Announced batches are marked seen; advance() walks the feed up to the horizon and
// returns the batches nobody announced.
export class FeedTail {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly db: DataSource,
    private xid: bigint,
    private position: bigint,
  ) {}

  static async start(db: DataSource): Promise<FeedTail> {
    return new FeedTail(db, await horizon(db), 0n);
  }

  // False when the batch was delivered already (announced twice, or found by the tail first).
  markSeen(xid: string): boolean {
    if (BigInt(xid) < this.xid || this.seen.has(xid)) return false;
    this.seen.add(xid);
    return true;
  }

  async advance(): Promise<MissedBatch[]> {
    const h = await horizon(this.db);
    const rows: { xid: string; n: number; last: string }[] = await this.db.query(
      SQL.BATCHES_AFTER,
      [this.xid.toString(), this.position.toString(), h.toString()],
    );
    const missed = rows
      .filter((r) => !this.seen.has(r.xid))
      .map((r) => ({ xid: r.xid, count: r.n }));
    for (const m of missed) this.seen.add(m.xid);
    if (rows.length === 1000) {
      const last = rows[rows.length - 1];
      this.moveTo(BigInt(last.xid), BigInt(last.last));
    } else {
      this.moveTo(h, 0n);
    }
    return missed;
  }

  private moveTo(xid: bigint, position: bigint): void {
    this.xid = xid;
    this.position = position;
    for (const s of this.seen) if (BigInt(s) < xid) this.seen.delete(s);
  }
}

async function horizon(db: DataSource): Promise<bigint> {
  const [row]: { horizon: string }[] = await db.query(SQL.HORIZON);
  return BigInt(row.horizon);
}
