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

export const DBT_ORIGIN = 'dbt';

export interface ImportOutcome {
  dbtVersion: string | null;
  schemaVersion: number;
  // Models that declare traits, plus models YAML dbt sources read (their checksum and tests).
  models: string[];
  plan: DefinitionPlan;
}

// Models YAML files declare as dbt sources: their checksum and tests are recorded too.
const YAML_DBT_MODELS = `
SELECT DISTINCT spec->'source'->>'model' AS model FROM trait_definition
WHERE source_kind = 'dbt' AND origin <> 'dbt' AND retired_at IS NULL`;

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
    const plan = dryRun
      ? await this.definitions.plan(specs, DBT_ORIGIN)
      : await this.apply(specs, manifest, models);
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
  ): Promise<DefinitionPlan> {
    const plan = await this.definitions.apply(specs, DBT_ORIGIN);
    const declared = (await this.db.query<{ model: string }[]>(YAML_DBT_MODELS)).map(
      (r) => r.model,
    );
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
