import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { TraitSpec } from '../../../trait-definitions/trait-spec';
import { DbtModelEntity } from '../entities/dbt-model.entity';
import { DbtSource, groupDbtSources } from './dbt-source';
import type { ResolvedSource } from './resolved-source';

const ACTIVE_DBT_SPECS = `SELECT spec FROM trait_definition WHERE source_kind = 'dbt' AND retired_at IS NULL`;

export type SourceResolution =
  { ok: true; source: ResolvedSource } | { ok: false; key: string; error: string };

export function keyOfSource(r: SourceResolution): string {
  return r.ok ? r.source.key : r.key;
}

// The dbt sources currently defined, resolved against what manifest imports recorded: a bare
// model name becomes its unique_id, a missing relation comes from the manifest's relation_name.
@Injectable()
export class DbtSourcesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(DbtModelEntity) private readonly models: Repository<DbtModelEntity>,
  ) {}

  async all(): Promise<SourceResolution[]> {
    const rows = await this.db.query<{ spec: TraitSpec }[]>(ACTIVE_DBT_SPECS);
    const sources = groupDbtSources(rows.map((r) => r.spec));
    const models = await this.models.find();
    return sources.map((s) => this.resolve(s, models));
  }

  // The key of the source a reference names: its key, the model as declared, or the model's name
  // (the last part of a unique_id: `player_stats` for model.game.player_stats).
  async keyFor(ref: string): Promise<string | undefined> {
    const all = await this.all();
    const matches = (r: SourceResolution, test: (name: string) => boolean) =>
      test(keyOfSource(r)) || (r.ok && test(r.source.model));
    const found =
      all.find((r) => matches(r, (name) => name === ref)) ??
      all.find((r) => matches(r, (name) => name.split('.').pop() === ref));
    return found && keyOfSource(found);
  }

  async byKey(key: string): Promise<SourceResolution | undefined> {
    return (await this.all()).find((r) => (r.ok ? r.source.key : r.key) === key);
  }

  private resolve(source: DbtSource, models: DbtModelEntity[]): SourceResolution {
    const model = source.model.includes('.')
      ? models.find((m) => m.uniqueId === source.model)
      : models.find((m) => m.name === source.model);
    const key = model?.uniqueId ?? source.model;
    if (source.conflict) return { ok: false, key, error: source.conflict };
    const relation = source.relation ?? model?.relation ?? null;
    if (!relation) {
      return {
        ok: false,
        key,
        error: `model ${source.model}: no relation declared and no imported manifest gives one`,
      };
    }
    return {
      ok: true,
      source: {
        ...source,
        key,
        relation,
        checksum: model?.checksum ?? null,
        tests: model?.tests ?? [],
        lastInvocationId: model?.lastInvocationId ?? null,
      },
    };
  }
}
