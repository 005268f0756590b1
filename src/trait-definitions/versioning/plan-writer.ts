import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { durationSeconds } from '../rules/duration';
import { TraitDefinitionVersionEntity } from '../trait-definition-version.entity';
import { TraitDefinitionEntity } from '../trait-definition.entity';
import type { TraitSpec } from '../trait-spec';
import type { DefinitionPlan, PlanEntry } from './definition-plan';

const CHUNK = 500;

function specColumns(spec: TraitSpec) {
  return {
    type: spec.type,
    sourceKind: spec.source.kind,
    pii: spec.pii,
    exposure: spec.exposure,
    freshnessSeconds: spec.freshness ? durationSeconds(spec.freshness) : null,
    spec,
  };
}

async function insertChunked<T extends object>(
  em: EntityManager,
  entity: new () => T,
  rows: T[],
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const res = await em.insert(entity, rows.slice(i, i + CHUNK));
    ids.push(...res.identifiers.map((r) => (r as { id: number }).id));
  }
  return ids;
}

// Writes a plan inside the caller's transaction: definitions are inserted or updated in place,
// and every entry adds a version row with the full spec. Nothing is ever deleted.
export async function writePlan(em: EntityManager, plan: DefinitionPlan): Promise<void> {
  const created = plan.entries.filter((e) => e.action === 'create');
  const newIds = await insertChunked(
    em,
    TraitDefinitionEntity,
    created.map((e) =>
      em.create(TraitDefinitionEntity, {
        name: e.name,
        ...specColumns(e.spec),
        version: e.version,
        schemaVersion: e.schemaVersion,
        origin: plan.origin,
        retiredAt: null,
      }),
    ),
  );
  created.forEach((e, i) => (e.definitionId = newIds[i]));

  for (const e of plan.entries.filter((x) => x.action === 'update' || x.action === 'restore')) {
    await em.update(TraitDefinitionEntity, e.definitionId!, {
      ...specColumns(e.spec),
      version: e.version,
      schemaVersion: e.schemaVersion,
      origin: plan.origin,
      retiredAt: null,
      // TypeORM's deep-partial type cannot follow the jsonb spec's open source block.
    } as QueryDeepPartialEntity<TraitDefinitionEntity>);
  }
  const retired = plan.entries.filter((e) => e.action === 'retire');
  for (const e of retired) {
    await em.update(TraitDefinitionEntity, e.definitionId!, {
      version: e.version,
      retiredAt: new Date(),
    });
  }

  await insertChunked(
    em,
    TraitDefinitionVersionEntity,
    plan.entries.map((e) => versionRow(em, e)),
  );
}

function versionRow(em: EntityManager, e: PlanEntry): TraitDefinitionVersionEntity {
  return em.create(TraitDefinitionVersionEntity, {
    definitionId: e.definitionId!,
    version: e.version,
    schemaVersion: e.schemaVersion,
    change: e.change,
    reasons: e.reasons,
    spec: e.spec,
  });
}
