import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { TraitDefinitionVersionEntity } from './trait-definition-version.entity';
import { TraitDefinitionEntity } from './trait-definition.entity';
import { TraitDefinitionModel, TraitDefinitionVersionModel } from './trait-definition.model';

function toModel(e: TraitDefinitionEntity): TraitDefinitionModel {
  const { spec } = e;
  return {
    definitionId: e.id,
    name: e.name,
    type: e.type,
    description: spec.description ?? null,
    owner: spec.owner ?? null,
    pii: e.pii,
    exposure: e.exposure,
    freshness: spec.freshness ?? null,
    freshnessSeconds: e.freshnessSeconds,
    column: spec.column ?? null,
    values: spec.values ?? null,
    sourceKind: e.sourceKind,
    source: spec.source,
    origin: e.origin,
    version: e.version,
    schemaVersion: e.schemaVersion,
    retired: e.retiredAt !== null,
    retiredAt: e.retiredAt,
    updatedAt: e.updatedAt,
  };
}

function toVersionModel(v: TraitDefinitionVersionEntity): TraitDefinitionVersionModel {
  const { version, schemaVersion, change, reasons, spec, createdAt } = v;
  return { version, schemaVersion, change, reasons, spec, createdAt };
}

// Read side of the definitions: the catalogue the UI and clients browse.
@Injectable()
export class TraitCatalogService {
  constructor(
    @InjectRepository(TraitDefinitionEntity)
    private readonly defs: Repository<TraitDefinitionEntity>,
    @InjectRepository(TraitDefinitionVersionEntity)
    private readonly versions: Repository<TraitDefinitionVersionEntity>,
  ) {}

  async list(includeRetired: boolean): Promise<TraitDefinitionModel[]> {
    const rows = await this.defs.find({
      where: includeRetired ? {} : { retiredAt: IsNull() },
      order: { name: 'ASC' },
    });
    return rows.map(toModel);
  }

  async get(name: string): Promise<TraitDefinitionModel | null> {
    const row = await this.defs.findOne({ where: { name } });
    return row ? toModel(row) : null;
  }

  // Given versions of given definitions (what produced a value), keyed `${definitionId}:${version}`.
  async versionsAt(
    pairs: readonly { definitionId: number; version: number }[],
  ): Promise<Map<string, TraitDefinitionVersionModel>> {
    if (pairs.length === 0) return new Map();
    const rows = await this.versions.find({
      where: pairs.map(({ definitionId, version }) => ({ definitionId, version })),
    });
    return new Map(rows.map((r) => [`${r.definitionId}:${r.version}`, toVersionModel(r)]));
  }

  // Versions of many definitions at once (newest first), in the order of the ids asked for.
  async versionsOf(definitionIds: readonly number[]): Promise<TraitDefinitionVersionModel[][]> {
    const rows = await this.versions.find({
      where: { definitionId: In([...definitionIds]) },
      order: { version: 'DESC' },
    });
    const byId = new Map<number, TraitDefinitionVersionModel[]>(
      definitionIds.map((id) => [id, []]),
    );
    for (const row of rows) byId.get(row.definitionId)?.push(toVersionModel(row));
    return definitionIds.map((id) => byId.get(id) ?? []);
  }
}
