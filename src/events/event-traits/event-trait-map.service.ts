import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TraitDef } from '../../trait-definitions/trait-def';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';

const MAX_AGE_MS = 5000;

// A trait fed by events: `source: {kind: event}` reads identify() traits, `source: {kind: event,
// event: X}` reads the properties of track events named X. `key` is the trait's `column`
// (defaults to its name): the key looked up in traits / properties.
export interface EventTrait {
  key: string;
  def: TraitDef;
}

export interface EventTraitMap {
  identify: EventTrait[];
  track: Map<string, EventTrait[]>;
}

interface Row {
  name: string;
  key: string;
  event: string | null;
}

// In-memory view of the active definitions with source kind `event`, refreshed every few seconds.
@Injectable()
export class EventTraitMapService {
  private current: EventTraitMap = { identify: [], track: new Map() };
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: TraitRegistry,
  ) {}

  async get(): Promise<EventTraitMap> {
    if (Date.now() - this.loadedAt > MAX_AGE_MS) await this.reload();
    return this.current;
  }

  private reload(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    // The source block lives in the definition's spec; the registry only keeps its kind.
    const rows: Row[] = await this.dataSource.query(
      `SELECT name, coalesce(spec->>'column', name) AS key, spec->'source'->>'event' AS event
       FROM trait_definition WHERE source_kind = 'event' AND retired_at IS NULL ORDER BY name`,
    );
    const defs = await this.registry.getMany(rows.map((r) => r.name));
    const next: EventTraitMap = { identify: [], track: new Map() };
    for (const row of rows) {
      const def = defs.get(row.name);
      if (!def || def.retired) continue;
      const trait = { key: row.key, def };
      if (row.event === null) next.identify.push(trait);
      else next.track.set(row.event, [...(next.track.get(row.event) ?? []), trait]);
    }
    this.current = next;
    this.loadedAt = Date.now();
  }
}

// The traits of one message that feed trait definitions, as [trait, value, pointer] triples.
export function traitValuesOf(
  map: EventTraitMap,
  type: string,
  event: string | null,
  body: Record<string, unknown>,
): { trait: EventTrait; value: unknown; pointer: string }[] {
  const field = type === 'identify' ? 'traits' : type === 'track' ? 'properties' : null;
  if (field === null) return [];
  const traits = type === 'identify' ? map.identify : (map.track.get(event ?? '') ?? []);
  const source = body[field];
  if (traits.length === 0 || typeof source !== 'object' || source === null) return [];
  const values = source as Record<string, unknown>;
  return traits
    .filter((t) => Object.prototype.hasOwnProperty.call(values, t.key))
    .map((t) => ({
      trait: t,
      value: values[t.key],
      pointer: `/${field}/${t.key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
    }));
}
