import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../../../common/errors/domain-error';
import { TraitDefinitionsService } from '../../../trait-definitions/trait-definitions.service';
import type { TraitSpec } from '../../../trait-definitions/trait-spec';
import type { DefinitionPlan } from '../../../trait-definitions/versioning/definition-plan';
import { Manifest, ManifestModel, readManifest } from '../artifacts/manifest';
import { DbtModelEntity } from '../entities/dbt-model.entity';
import { traitsFromManifest } from './manifest-traits';
import { yamlOverlaps } from './yaml-overlap';

export const DBT_ORIGIN = 'dbt';

export interface ImportOutcome {
  dbtVersion: string | null;
  schemaVersion: number;
  // Models that declare traits, plus models YAML dbt sources read (their checksum and tests).
  models: string[];
  plan: DefinitionPlan;
}

// Traits YAML files declare from dbt models: those models' checksum and tests are recorded too, and
// the manifest may not read them differently.
const YAML_DBT_SPECS = `
SELECT spec FROM trait_definition
WHERE source_kind = 'dbt' AND origin <> 'dbt' AND retired_at IS NULL ORDER BY name`;

// `traitbase dbt import manifest.json`: models whose meta carries `traitbase` become trait
// definitions of origin dbt (the manifest is the whole truth for that origin: traits no longer
// declared are retired), and what the sync needs of each model is recorded.
@Injectable()
export class DbtImportService {
  private readonly logger = new Logger(DbtImportService.name);

  constructor(
    private readonly definitions: TraitDefinitionsService,
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(DbtModelEntity) private readonly models: Repository<DbtModelEntity>,
  ) {}

  async import(doc: unknown, dryRun = false): Promise<ImportOutcome> {
    const manifest = readManifest(doc);
    const { specs, models, problems } = traitsFromManifest(manifest);
    if (!problems.empty) {
      throw new DomainError(
        ErrorCode.INVALID_DEFINITION,
        `manifest: ${problems.lines().length} problem(s): ${problems.lines()[0]}`,
        problems.byPath,
      );
    }
    const yamlSpecs = (await this.db.query<{ spec: TraitSpec }[]>(YAML_DBT_SPECS)).map(
      (r) => r.spec,
    );
    const overlaps = yamlOverlaps(specs, yamlSpecs, manifest.models);
    if (overlaps.length > 0) {
      throw new DomainError(
        ErrorCode.INVALID_DEFINITION,
        `manifest: ${overlaps.length} model(s) also declared in YAML, differently: ${overlaps.join('; ')}`,
      );
    }
    const plan = dryRun
      ? await this.definitions.plan(specs, DBT_ORIGIN)
      : await this.apply(specs, manifest, models, yamlSpecs);
    return {
      dbtVersion: manifest.dbtVersion,
      schemaVersion: manifest.schemaVersion,
      models: models.map((m) => m.uniqueId),
      plan,
    };
  }

  private async apply(
    specs: TraitSpec[],
    manifest: Manifest,
    models: ManifestModel[],
    yamlSpecs: TraitSpec[],
  ): Promise<DefinitionPlan> {
    const plan = await this.definitions.apply(specs, DBT_ORIGIN);
    const declared = yamlSpecs.map((s) => s.source.model);
    const read = manifest.models.filter(
      (m) => declared.includes(m.uniqueId) || declared.includes(m.name),
    );
    const recorded = [...new Map([...models, ...read].map((m) => [m.uniqueId, m])).values()];
    if (recorded.length > 0)
      await this.models.upsert(
        recorded.map((m) => ({
          uniqueId: m.uniqueId,
          name: m.name,
          relation: m.relation,
          checksum: m.checksum,
          tests: m.tests,
          dependsOn: m.dependsOn,
          manifestInvocationId: manifest.invocationId,
          importedAt: new Date(),
        })),
        ['uniqueId'],
      );
    this.logger.log(
      `dbt import: ${specs.length} trait(s) from ${models.length} model(s), ${recorded.length} model(s) recorded`,
    );
    return plan;
  }
}
