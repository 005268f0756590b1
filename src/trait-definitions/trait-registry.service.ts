import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { dueForRefresh } from '../common/cache/refresh-ahead';
import type { TraitDef } from './trait-def';
import { TraitDefinitionEntity } from './trait-definition.entity';
import type { TraitType } from './trait-spec';

const MAX_AGE_MS = 10_000;
// One cheap query tells whether any definition was added, changed or removed since the last load:
// every row version has its own xmin (the transaction that wrote it), whatever its timestamps say.
const STAMP = `SELECT md5(coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), ''))
  AS stamp FROM trait_definition`;

export function toTraitDef(e: TraitDefinitionEntity): TraitDef {
  return {
    id: e.id,
    name: e.name,
    type: e.type as TraitType,
    sourceKind: e.sourceKind,
    version: e.version,
    schemaVersion: e.schemaVersion,
    pii: e.pii,
    exposure: e.exposure,
    freshnessSeconds: e.freshnessSeconds,
    values: e.spec.values ?? null,
    description: e.spec.description ?? null,
    owner: e.spec.owner ?? null,
    retired: e.retiredAt !== null,
  };
}

// In-memory view of every trait definition (active and retired). Reloaded when older than
// MAX_AGE_MS (ahead of it while in use), after a local apply, and on a miss when the table changed
// since the last load (a definition applied by another process a moment ago is found, however
// recent the last load).
@Injectable()
export class TraitRegistry {
  private byName = new Map<string, TraitDef>();
  private byId = new Map<number, TraitDef>();
  private loadedAt = 0;
  private stamp = '';
  private loading: Promise<void> | undefined;

  constructor(
    @InjectRepository(TraitDefinitionEntity)
    private readonly defs: Repository<TraitDefinitionEntity>,
  ) {}

  invalidate(): void {
    this.loadedAt = 0;
  }

  async get(name: string): Promise<TraitDef | undefined> {
    await this.ensureFresh();
    const found = this.byName.get(name);
    if (found) return found;
    await this.reloadIfChanged();
    return this.byName.get(name);
  }

  async getMany(names: Iterable<string>): Promise<Map<string, TraitDef | undefined>> {
    const out = new Map<string, TraitDef | undefined>();
    for (const name of names) out.set(name, await this.get(name));
    return out;
  }

  async byIdMap(): Promise<ReadonlyMap<number, TraitDef>> {
    await this.ensureFresh();
    return this.byId;
  }

  async all(): Promise<TraitDef[]> {
    await this.ensureFresh();
    return [...this.byName.values()];
  }

  // Older than MAX_AGE_MS: reloaded before answering; in the last fifth of that age: reloaded in
  // the background while the loaded maps answer (src/common/cache/refresh-ahead.ts).
  private async ensureFresh(): Promise<void> {
    const until = this.loadedAt + MAX_AGE_MS;
    const now = Date.now();
    if (now > until) await this.reload();
    else if (dueForRefresh(until, MAX_AGE_MS, now) && !this.loading) {
      // A failed reload is retried by the next read; past MAX_AGE_MS that read waits for it.
      this.reload().catch(() => undefined);
    }
  }

  // Each miss asks on its own (a check that began before the definition committed would miss it).
  private async reloadIfChanged(): Promise<void> {
    if (this.loading) await this.loading;
    if ((await this.currentStamp()) !== this.stamp) await this.reload();
  }

  private async currentStamp(): Promise<string> {
    const [row]: { stamp: string }[] = await this.defs.query(STAMP);
    return row.stamp;
  }

  // Nothing changed since the last load (same stamp): the maps are kept, the very same objects,
  // so what readers derived from them (cached views, keyed by this map) stays valid.
  private reload(): Promise<void> {
    // The stamp first: a change committed while the rows are read makes the next miss reload.
    this.loading ??= this.currentStamp()
      .then(async (stamp) => {
        if (stamp !== this.stamp || this.loadedAt === 0) {
          const defs = (await this.defs.find()).map(toTraitDef);
          this.stamp = stamp;
          this.byName = new Map(defs.map((d) => [d.name, d]));
          this.byId = new Map(defs.map((d) => [d.id, d]));
        }
        this.loadedAt = Date.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
