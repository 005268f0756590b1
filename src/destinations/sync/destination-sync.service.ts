import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import type { FeedChange } from '../../feed/feed-change';
import type { DestinationSpec } from '../spec/destination-spec';
import { DestinationsService } from '../storage/destinations.service';
import * as SQL from './outbox.sql';
import { loadProfileData, loadTraitMeta, membershipTrait } from './profile-data';
import { buildRecord, OutboxDraft, RecordCause } from './record-builder';

interface ActiveDestination {
  id: string;
  slug: string;
  spec: DestinationSpec;
}

const PAGE = 1000;

// Turns changes from the feed into records in each destination's outbox, in the transaction that
// moves the consumer's cursor: each change yields its records exactly once. Also backfills a
// destination with the current members of its audiences.
@Injectable()
export class DestinationSync {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly destinations: DestinationsService,
  ) {}

  // The feed consumer's handle: returns the destinations that got records.
  async handle(changes: FeedChange[], tx: PoolClient): Promise<string[]> {
    const drafts: OutboxDraft[] = [];
    for (const d of await enabledDestinations(tx))
      drafts.push(...(await this.draftsFor(d, changes, tx)));
    await insertDrafts(tx, drafts);
    return [...new Set(drafts.map((d) => d.destinationId))];
  }

  // Whether any destination is enabled (the feed consumer is idle otherwise).
  async anyEnabled(tx: PoolClient): Promise<boolean> {
    return (await enabledDestinations(tx)).length > 0;
  }

  // Queues the current members (or holders of its traits) of a destination as `backfill`
  // records; records identical to what was last delivered are skipped at delivery.
  async backfill(slug: string): Promise<number> {
    const d = await this.destinations.bySlugOrThrow(slug);
    const audiences = d.spec.audiences ?? [];
    const groups = audiences.length
      ? audiences.map((a) => ({ names: [membershipTrait(a)], members: true, audience: a }))
      : [{ names: d.spec.traits ?? [], members: false, audience: null }];
    let queued = 0;
    for (const g of groups) {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const page = await inTransaction(this.db, async (tx) => {
          const { rows } = await tx.query<{ profileId: string }>(SQL.MEMBERS_PAGE, [
            g.names,
            g.members,
            after,
            PAGE,
          ]);
          const ids = rows.map((r) => r.profileId);
          if (ids.length === 0) return ids;
          const data = await loadProfileData(tx, d.spec, ids);
          const meta = await loadTraitMeta(tx, d.spec.traits ?? []);
          const cause: RecordCause = {
            type: g.audience ? 'entered' : 'changed',
            reason: 'backfill',
            subject: g.audience ? membershipTrait(g.audience) : null,
            audience: g.audience,
            at: new Date(),
            position: null,
          };
          await insertDrafts(
            tx,
            ids.map((id) => buildRecord(d.id, d.spec, id, cause, data.get(id)!, meta)),
          );
          return ids;
        });
        queued += page.length;
        if (page.length < PAGE) break;
        after = page[page.length - 1];
      }
    }
    return queued;
  }

  private async draftsFor(
    d: ActiveDestination,
    changes: FeedChange[],
    tx: PoolClient,
  ): Promise<OutboxDraft[]> {
    const audiences = new Set((d.spec.audiences ?? []).map(membershipTrait));
    const traits = new Set(d.spec.traits ?? []);
    const relevant = changes.filter(
      (c) =>
        c.name !== null &&
        ((c.kind === 'audience' && audiences.has(c.name)) ||
          (c.kind === 'trait' && traits.has(c.name))),
    );
    if (relevant.length === 0) return [];
    const data = await loadProfileData(tx, d.spec, [...new Set(relevant.map((c) => c.profileId))]);
    const meta = await loadTraitMeta(tx, [...traits]);
    const drafts: OutboxDraft[] = [];
    for (const c of relevant) {
      const profile = data.get(c.profileId)!;
      let cause: RecordCause;
      if (c.kind === 'audience') {
        const entered = c.after === true;
        if (entered === (c.before === true)) continue;
        cause = {
          type: entered ? 'entered' : 'exited',
          reason: entered ? 'entered' : 'exited',
          subject: c.name,
          audience: c.name!.slice('audience:'.length),
          at: new Date(c.at),
          position: c.position,
        };
      } else {
        // With audiences, trait changes go out for current members only.
        if (audiences.size > 0 && ![...audiences].some((a) => profile.traits.get(a) === true))
          continue;
        cause = {
          type: 'changed',
          reason: 'changed',
          subject: c.name,
          audience: null,
          at: new Date(c.at),
          position: c.position,
        };
      }
      // The changed value as of this change, the rest as they are now.
      const traitsNow = new Map(profile.traits);
      if (c.kind === 'trait') traitsNow.set(c.name!, c.after);
      drafts.push(
        buildRecord(d.id, d.spec, c.profileId, cause, { ...profile, traits: traitsNow }, meta),
      );
    }
    return drafts;
  }
}

async function insertDrafts(tx: Pick<PoolClient, 'query'>, drafts: OutboxDraft[]): Promise<void> {
  if (drafts.length > 0) await tx.query(SQL.INSERT_DRAFTS, [JSON.stringify(drafts)]);
}

async function enabledDestinations(tx: PoolClient): Promise<ActiveDestination[]> {
  const { rows } = await tx.query<ActiveDestination>(SQL.ACTIVE_DESTINATIONS);
  return rows.filter((r) => r.spec.enabled !== false);
}
