import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { eventShardsLeased } from '../event-metrics';
import { EVENT_SHARDS } from '../ingest/shard';
import { leasePlan } from './lease-plan';
import * as SQL from './lease.sql';

export interface LeaseConnection {
  url: string;
  schema: string;
}

// What a batch's transaction checks before it commits (SQL.STILL_HELD with these parameters).
export interface ShardFence {
  holds: () => boolean;
  sql: string;
  params: unknown[];
}

// The shards this worker process leases. One connection of its own holds the leases (session
// advisory locks), so a process that dies loses them at once and its peers take them over at
// their next tick; a lost connection drops every lease here before anything else runs.
export class ShardLeases {
  private readonly logger = new Logger(ShardLeases.name);
  private readonly shardKey: string;
  private readonly memberKey: string;
  private client: Client | null = null;
  private pid = 0;
  private readonly held = new Set<number>();

  constructor(private readonly connection: LeaseConnection) {
    this.shardKey = `${connection.schema}:event-shards`;
    this.memberKey = `${connection.schema}:event-workers`;
  }

  holds(shard: number): boolean {
    return this.held.has(shard);
  }

  shards(): number[] {
    return [...this.held];
  }

  fence(shard: number): ShardFence {
    return {
      holds: () => this.held.has(shard),
      sql: SQL.STILL_HELD,
      params: [this.shardKey, shard, this.pid],
    };
  }

  // One round: join if not connected, then release or take shards towards a fair share.
  // Returns the shards taken.
  async rebalance(busy: (shard: number) => boolean): Promise<number[]> {
    const client = this.client ?? (await this.connect());
    const { rows } = await client.query<{ members: number; held: number[]; mine: number[] }>(
      SQL.VIEW,
      [this.shardKey, this.memberKey],
    );
    const view = rows[0];
    this.held.clear();
    view.mine.forEach((s) => this.held.add(s));
    const plan = leasePlan({
      shards: EVENT_SHARDS,
      members: view.members,
      mine: this.held,
      heldAnywhere: new Set(view.held),
      busy,
      offset: this.pid % EVENT_SHARDS,
    });
    if (plan.release.length > 0) {
      // Gone from `held` first: no drain of these starts while the locks are let go.
      plan.release.forEach((s) => this.held.delete(s));
      await client.query(SQL.RELEASE, [this.shardKey, plan.release]);
    }
    eventShardsLeased.set({ what: 'workers' }, view.members);
    const got =
      plan.take.length === 0
        ? []
        : (await client.query<{ got: number[] }>(SQL.TAKE, [this.shardKey, plan.take])).rows[0].got;
    got.forEach((s) => this.held.add(s));
    eventShardsLeased.set({ what: 'shards' }, this.held.size);
    if (got.length > 0 || plan.release.length > 0)
      this.logger.log(
        `leases: ${this.held.size} shard(s) held (+${got.length} -${plan.release.length}), ${view.members} worker process(es)`,
      );
    return got;
  }

  // Ends the lease connection: every lease goes at once and peers take them over.
  async close(): Promise<void> {
    const client = this.client;
    this.lost();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.connection.url,
      options: `-c search_path=${this.connection.schema}`,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
      application_name: 'traitbase-shard-leases',
    });
    client.on('error', (err) => {
      if (this.client !== client) return;
      this.logger.warn(`lease connection lost (${err.message}); shards released`);
      this.lost();
    });
    client.on('end', () => {
      if (this.client === client) this.lost();
    });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await client.query(SQL.JOIN, [this.memberKey]);
      this.pid = rows[0].pid;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private lost(): void {
    this.held.clear();
    eventShardsLeased.set({ what: 'shards' }, 0);
    this.client = null;
  }
}
