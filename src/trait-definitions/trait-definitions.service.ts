import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { TraitDefinitionEntity } from './trait-definition.entity';
import { TraitRegistry } from './trait-registry.service';
import type { TraitSpec } from './trait-spec';
import { TraitUsageRegistry } from './trait-usage.registry';
import { DefinitionPlan, ExistingDefinition, planDefinitions } from './versioning/definition-plan';
import { writePlan } from './versioning/plan-writer';
import { assertValidSpecs, normaliseSpec } from './versioning/spec-normaliser';

// One apply at a time across processes (replicas starting together, the CLI beside a server).
const APPLY_LOCK_KEY = 7_304_112_020;

function toExisting(e: TraitDefinitionEntity): ExistingDefinition {
  const { id, name, origin, version, schemaVersion, spec } = e;
  return { id, name, origin, version, schemaVersion, spec, retired: e.retiredAt !== null };
}

export function planSummary(plan: DefinitionPlan): string {
  const count = (action: string) => plan.entries.filter((e) => e.action === action).length;
  return (
    `${count('create')} new, ${count('update')} changed, ${count('restore')} restored, ` +
    `${count('retire')} retired, ${plan.unchanged.length} unchanged`
  );
}

// Applies the definitions one origin declares (YAML files, a dbt manifest, …): a new version for
// every change, classified by SchemaVer level; removed definitions are retired, never deleted.
@Injectable()
export class TraitDefinitionsService {
  private readonly logger = new Logger(TraitDefinitionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: TraitRegistry,
    private readonly usage: TraitUsageRegistry,
  ) {}

  async plan(specs: readonly TraitSpec[], origin: string): Promise<DefinitionPlan> {
    assertValidSpecs(specs);
    const existing = await this.existing(this.dataSource.manager);
    return this.withUsage(planDefinitions(existing, specs.map(normaliseSpec), origin));
  }

  async apply(specs: readonly TraitSpec[], origin: string): Promise<DefinitionPlan> {
    assertValidSpecs(specs);
    const normalised = specs.map(normaliseSpec);
    const plan = await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [APPLY_LOCK_KEY]);
      const planned = planDefinitions(await this.existing(em), normalised, origin);
      if (planned.conflicts.length > 0) throw conflictError(planned);
      await writePlan(em, planned);
      return planned;
    });
    this.registry.invalidate();
    this.logger.log(`applied ${origin} definitions: ${planSummary(plan)}`);
    return this.withUsage(plan);
  }

  private async existing(em: EntityManager): Promise<ExistingDefinition[]> {
    return (await em.find(TraitDefinitionEntity)).map(toExisting);
  }

  private async withUsage(plan: DefinitionPlan): Promise<DefinitionPlan> {
    const breaking = plan.entries.filter((e) => e.breaking);
    const usedBy = await this.usage.usedBy(breaking.map((e) => e.name));
    for (const entry of breaking) entry.usedBy = usedBy.get(entry.name) ?? [];
    return plan;
  }
}

function conflictError(plan: DefinitionPlan): DomainError {
  const details = Object.fromEntries(
    plan.conflicts.map((c) => [
      c.name,
      `already managed by origin ${c.managedBy}; retire it there first`,
    ]),
  );
  const names = plan.conflicts.map((c) => c.name).join(', ');
  return new DomainError(
    ErrorCode.CONFLICT,
    `trait(s) managed by another origin: ${names}`,
    details,
  );
}
