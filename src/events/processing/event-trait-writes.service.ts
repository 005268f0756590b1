import { Injectable, Logger } from '@nestjs/common';
import type { TraitWriteRow } from '../../traits/trait-write.types';
import { TraitWriter } from '../../traits/trait-writer.service';
import { EventTraitMap, traitValuesOf } from '../event-traits/event-trait-map.service';
import type { ResolvedMessage } from './inbox-message';

// Profiles written at the same time within one shard batch (each write is its own transaction).
const CONCURRENCY = 4;
const MAX_TIE_BUMPS = 10;
const SAME_INSTANT = /already observed at this instant/;

type Row = Omit<TraitWriteRow, 'observedAt'>;

// Writes the event-fed traits of a batch through the one write path. One write per message, so
// each revision's provenance names its message ({messageId}); a profile's messages are written one
// after another in inbox order, different profiles in parallel.
@Injectable()
export class EventTraitWrites {
  private readonly logger = new Logger(EventTraitWrites.name);

  constructor(private readonly writer: TraitWriter) {}

  async write(messages: ResolvedMessage[], map: EventTraitMap): Promise<void> {
    const chains = new Map<string, { m: ResolvedMessage; rows: Row[] }[]>();
    for (const m of messages) {
      const rows = rowsOf(m, map);
      if (rows.length === 0) continue;
      chains.set(m.profileId, [...(chains.get(m.profileId) ?? []), { m, rows }]);
    }
    const queue = [...chains.values()];
    const worker = async () => {
      for (let chain = queue.shift(); chain; chain = queue.shift()) {
        for (const { m, rows } of chain) await this.writeMessage(m, rows);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  }

  // Two messages of a user with the same timestamp: the one applied later wins, recorded 1 ms
  // later (the write path refuses two different values observed at one instant). A value the
  // trait definition now rejects (it changed after ingestion) leaves the event stored, unwritten.
  private async writeMessage(m: ResolvedMessage, first: Row[]): Promise<void> {
    let rows = first;
    for (let bump = 0; rows.length > 0 && bump <= MAX_TIE_BUMPS; bump++) {
      const observedAt = new Date(m.observedAt.getTime() + bump);
      const result = await this.writer.write({
        rows: rows.map((r) => ({ ...r, observedAt })),
        provenance: {
          sourceKind: 'event',
          sourceRef: { messageId: m.row.message_id },
          runId: null,
        },
      });
      const ties = new Set(
        result.rejected.filter((r) => SAME_INSTANT.test(r.reason)).map((r) => r.index),
      );
      if (result.rejected.length > ties.size) {
        this.logger.warn(
          `inbox row ${m.row.id}: ${result.rejected.length - ties.size} trait value(s) rejected by the write path`,
        );
      }
      rows = rows.filter((_, i) => ties.has(i));
    }
  }
}

function rowsOf(m: ResolvedMessage, map: EventTraitMap): Row[] {
  if (m.row.trait_source === null) return [];
  const body = { traits: m.row.trait_source, properties: m.row.trait_source };
  return traitValuesOf(map, m.row.type, m.row.event, body).map((v) => ({
    identity: m.identity,
    trait: v.trait.def.name,
    value: v.value,
  }));
}
