import { Injectable, Logger } from '@nestjs/common';
import type { TraitWriteRow } from '../../traits/trait-write.types';
import { TraitWriter } from '../../traits/trait-writer.service';
import { EventTraitMap, traitValuesOf } from '../event-traits/event-trait-map.service';
import type { ResolvedMessage } from './inbox-message';

const MAX_TIE_BUMPS = 10;
const SAME_INSTANT = /already observed at this instant/;

type EventTraitRow = TraitWriteRow & { observedAt: Date };

// Writes the event-fed traits of a whole shard batch as one write through the one write path;
// each row carries its own message as provenance ({messageId}). Within the batch the write path
// orders a profile's observations by time, and of two at the same instant keeps the later row,
// i.e. the message applied later (rows are in inbox order).
@Injectable()
export class EventTraitWrites {
  private readonly logger = new Logger(EventTraitWrites.name);

  constructor(private readonly writer: TraitWriter) {}

  // A message at the same instant as a value an earlier batch already recorded for that user:
  // the later one wins, recorded 1 ms later (the write path refuses two different values
  // observed at one instant). A value the trait definition now rejects (it changed after
  // ingestion) leaves the event stored, unwritten.
  async write(messages: ResolvedMessage[], map: EventTraitMap): Promise<void> {
    let rows = messages.flatMap((m) => rowsOf(m, map));
    let invalid = 0;
    for (let bump = 0; rows.length > 0 && bump <= MAX_TIE_BUMPS; bump++) {
      const result = await this.writer.write({
        rows,
        provenance: { sourceKind: 'event', sourceRef: {}, runId: null },
      });
      const ties = new Set(
        result.rejected.filter((r) => SAME_INSTANT.test(r.reason)).map((r) => r.index),
      );
      invalid += result.rejected.length - ties.size;
      rows = rows
        .filter((_, i) => ties.has(i))
        .map((r) => ({ ...r, observedAt: new Date(r.observedAt.getTime() + 1) }));
    }
    // Still tied after every bump: left unwritten, counted with the rejected.
    invalid += rows.length;
    if (invalid > 0) {
      this.logger.warn(`${invalid} event trait value(s) rejected by the write path`);
    }
  }
}

function rowsOf(m: ResolvedMessage, map: EventTraitMap): EventTraitRow[] {
  if (m.row.trait_source === null) return [];
  const body = { traits: m.row.trait_source, properties: m.row.trait_source };
  return traitValuesOf(map, m.row.type, m.row.event, body).map((v) => ({
    identity: m.identity,
    trait: v.trait.def.name,
    value: v.value,
    observedAt: m.observedAt,
    sourceRef: { messageId: m.row.message_id },
  }));
}
