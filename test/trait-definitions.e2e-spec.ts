import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../src/common/errors/domain-error';
import { dataSourceOptions } from '../src/database/data-source';
import { TraitDefinitionEntity } from '../src/trait-definitions/trait-definition.entity';
import { TraitDefinitionsService } from '../src/trait-definitions/trait-definitions.service';
import { TraitRegistry } from '../src/trait-definitions/trait-registry.service';
import type { TraitSpec } from '../src/trait-definitions/trait-spec';
import { TraitUsageRegistry } from '../src/trait-definitions/trait-usage.registry';
import { traitSpec, uniqueName } from './factories/trait-definition.factory';
import { createTestSchema, TestSchema } from './utils/test-schema';

// Jest applies testTimeout only globally, not from the e2e project's config.
jest.setTimeout(60_000);

interface VersionRow {
  version: number;
  schema_version: string;
  change: string;
  reasons: string[];
  spec: TraitSpec;
}

describe('TraitDefinitionsService (real Postgres)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let registry: TraitRegistry;
  let usage: TraitUsageRegistry;
  let service: TraitDefinitionsService;

  beforeAll(async () => {
    db = await createTestSchema();
    ds = await new DataSource(dataSourceOptions(db.url, db.schema)).initialize();
    registry = new TraitRegistry(ds.getRepository(TraitDefinitionEntity));
    usage = new TraitUsageRegistry();
    service = new TraitDefinitionsService(ds, registry, usage);
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  const yamlSpec = (name: string, overrides: Partial<TraitSpec> = {}) =>
    traitSpec({ name, source: { kind: 'api', file: 'profile_api.yaml' }, ...overrides });

  async function definition(name: string) {
    const rows = await ds.query<Record<string, unknown>[]>(
      'SELECT id, version, schema_version, type, source_kind, pii, exposure, freshness_seconds, origin, retired_at, spec FROM trait_definition WHERE name = $1',
      [name],
    );
    return rows[0];
  }

  async function versions(name: string): Promise<VersionRow[]> {
    return ds.query(
      `SELECT v.version, v.schema_version, v.change, v.reasons, v.spec
         FROM trait_definition_version v JOIN trait_definition d ON d.id = v.definition_id
        WHERE d.name = $1 ORDER BY v.version`,
      [name],
    );
  }

  it('creates version 1 (1-0-0, initial) with the full spec and the derived columns', async () => {
    const name = uniqueName('ltv');
    const spec = yamlSpec(name, { freshness: '2h', pii: true, exposure: ['admin'] });
    const plan = await service.apply([spec], 'yaml');
    expect(plan.entries.map((e) => [e.action, e.name])).toEqual([['create', name]]);
    expect(await definition(name)).toMatchObject({
      version: 1,
      schema_version: '1-0-0',
      type: 'number',
      source_kind: 'api',
      pii: true,
      exposure: ['admin'],
      freshness_seconds: 7200,
      origin: 'yaml',
      retired_at: null,
    });
    const rows = await versions(name);
    expect(rows).toEqual([
      {
        version: 1,
        schema_version: '1-0-0',
        change: 'initial',
        reasons: ['declared by yaml file profile_api.yaml'],
        spec,
      },
    ]);
    expect((await registry.get(name))?.version).toBe(1);
  });

  it('makes one version per change, classified, and keeps every earlier version', async () => {
    const name = uniqueName('level');
    await service.apply([yamlSpec(name)], 'test-history');
    await service.apply([yamlSpec(name, { description: 'Highest level' })], 'test-history');
    await service.apply(
      [yamlSpec(name, { description: 'Highest level', freshness: '1d' })],
      'test-history',
    );
    const plan = await service.apply(
      [yamlSpec(name, { description: 'Highest level', freshness: '1d', type: 'string' })],
      'test-history',
    );
    expect(plan.entries[0]).toMatchObject({
      action: 'update',
      change: 'breaking',
      breaking: true,
      reasons: ['type number → string'],
    });
    expect(
      (await versions(name)).map((v) => [v.version, v.schema_version, v.change, v.reasons]),
    ).toEqual([
      [1, '1-0-0', 'initial', ['declared by test-history file profile_api.yaml']],
      [2, '1-0-1', 'addition', ['description changed']],
      [3, '1-1-0', 'revision', ['freshness none → 1d']],
      [4, '2-0-0', 'breaking', ['type number → string']],
    ]);
    expect(await definition(name)).toMatchObject({
      version: 4,
      schema_version: '2-0-0',
      type: 'string',
      freshness_seconds: 86400,
    });
    // The registry was invalidated: writers see the new version at once.
    expect(await registry.get(name)).toMatchObject({ version: 4, type: 'string' });
  });

  it('re-applying the same declarations creates no version (exposure order does not matter)', async () => {
    const name = uniqueName('opt_in');
    const spec = yamlSpec(name, { type: 'boolean', exposure: ['admin', 'profile:read'] });
    await service.apply([spec], 'test-idem');
    const again = await service.apply(
      [{ ...spec, exposure: ['profile:read', 'admin'] }],
      'test-idem',
    );
    expect(again.entries).toEqual([]);
    expect(again.unchanged).toEqual([name]);
    expect(await versions(name)).toHaveLength(1);
  });

  it('retires what is no longer declared and restores it when declared again, never deleting history', async () => {
    const kept = uniqueName('kept');
    const gone = uniqueName('gone');
    await service.apply([yamlSpec(kept), yamlSpec(gone)], 'test-retire');
    const retire = await service.apply([yamlSpec(kept)], 'test-retire');
    expect(retire.entries.map((e) => [e.action, e.name, e.breaking])).toEqual([
      ['retire', gone, true],
    ]);
    const retired = await definition(gone);
    expect(retired.retired_at).toBeInstanceOf(Date);
    expect(retired).toMatchObject({ version: 2, schema_version: '1-0-0' });
    expect((await registry.get(gone))?.retired).toBe(true);

    const restore = await service.apply(
      [yamlSpec(kept), yamlSpec(gone, { owner: 'new-team' })],
      'test-retire',
    );
    expect(restore.entries.map((e) => [e.action, e.name, e.schemaVersion])).toEqual([
      ['restore', gone, '1-0-1'],
    ]);
    expect(await definition(gone)).toMatchObject({ retired_at: null, version: 3 });
    expect((await versions(gone)).map((v) => [v.version, v.change, v.reasons])).toEqual([
      [1, 'initial', ['declared by test-retire file profile_api.yaml']],
      [2, 'retired', ['no longer declared (was in profile_api.yaml)']],
      [3, 'restored', ['restored after retirement', 'owner tests → new-team']],
    ]);
  });

  it('never retires definitions of another origin, and refuses names another origin manages', async () => {
    const fromDbt = uniqueName('dbt_ltv');
    await service.apply(
      [yamlSpec(fromDbt, { source: { kind: 'dbt', model: 'model.game.ltv' } })],
      'test-dbt',
    );
    const yamlOnly = await service.apply([], 'test-other');
    expect(yamlOnly.entries.filter((e) => e.name === fromDbt)).toEqual([]);
    expect(await definition(fromDbt)).toMatchObject({ retired_at: null, origin: 'test-dbt' });

    const clash = service.apply([yamlSpec(fromDbt)], 'test-other');
    await expect(clash).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      details: { [fromDbt]: expect.stringContaining('test-dbt') },
    });
    expect(await versions(fromDbt)).toHaveLength(1);
    const plan = await service.plan([yamlSpec(fromDbt)], 'test-other');
    expect(plan.conflicts).toEqual([{ name: fromDbt, managedBy: 'test-dbt' }]);
  });

  it('rolls back the whole apply when a write fails part-way (nothing half-applied)', async () => {
    const existing = uniqueName('existing');
    const fresh = uniqueName('fresh');
    await service.apply([yamlSpec(existing)], 'test-rollback');
    // New definitions are inserted first; the update of `existing` then fails (jsonb refuses NUL).
    const failing = service.apply(
      [yamlSpec(existing, { description: 'bad \u0000 text' }), yamlSpec(fresh)],
      'test-rollback',
    );
    await expect(failing).rejects.toThrow();
    expect(await definition(fresh)).toBeUndefined();
    expect(await definition(existing)).toMatchObject({ version: 1 });
    expect(await versions(existing)).toHaveLength(1);
  });

  it('writes nothing when one declared name is managed by another origin', async () => {
    const first = uniqueName('a');
    const taken = uniqueName('taken');
    await service.apply([yamlSpec(taken)], 'test-owner');
    await expect(
      service.apply([yamlSpec(first), yamlSpec(taken)], 'test-conflict'),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await definition(first)).toBeUndefined();
  });

  it('rejects invalid specs from any origin with field details, writing nothing', async () => {
    const bad = yamlSpec('Bad-Name', { freshness: '2 hours' });
    const dup = uniqueName('dup');
    const attempt = service.apply([bad, yamlSpec(dup), yamlSpec(dup)], 'test-invalid');
    await expect(attempt).rejects.toMatchObject({
      code: ErrorCode.INVALID_DEFINITION,
      details: {
        'Bad-Name.name': expect.stringContaining('snake_case'),
        'Bad-Name.freshness': expect.stringContaining('duration'),
        [`${dup}.name`]: 'declared more than once',
      },
    });
    expect(await definition(dup)).toBeUndefined();
  });

  it('plans without writing, naming what uses a trait that breaks (usage hook)', async () => {
    const name = uniqueName('tier');
    await service.apply([yamlSpec(name)], 'test-plan');
    usage.register((names) =>
      Promise.resolve(
        new Map(names.filter((n) => n === name).map((n) => [n, ['audience whales']])),
      ),
    );
    const plan = await service.plan([yamlSpec(name, { type: 'string' })], 'test-plan');
    expect(plan.entries[0]).toMatchObject({
      action: 'update',
      breaking: true,
      usedBy: ['audience whales'],
    });
    const removal = await service.plan([], 'test-plan');
    expect(removal.entries[0]).toMatchObject({
      action: 'retire',
      breaking: true,
      usedBy: ['audience whales'],
    });
    expect(await versions(name)).toHaveLength(1);
  });

  it('serialises concurrent applies of the same declarations: one version, no error', async () => {
    const names = Array.from({ length: 20 }, () => uniqueName('race'));
    const specs = names.map((n) => yamlSpec(n));
    const plans = await Promise.all([
      service.apply(specs, 'test-race'),
      service.apply(specs, 'test-race'),
    ]);
    expect(plans.map((p) => p.entries.length).sort()).toEqual([0, 20]);
    const [{ count }] = await ds.query<{ count: string }[]>(
      'SELECT count(*) FROM trait_definition_version v JOIN trait_definition d ON d.id = v.definition_id WHERE d.origin = $1',
      ['test-race'],
    );
    expect(Number(count)).toBe(20);
  });

  it('applies a thousand definitions in one transaction', async () => {
    const specs = Array.from({ length: 1000 }, (_, i) => yamlSpec(`bulk_${i}_${uniqueName('x')}`));
    const started = Date.now();
    const plan = await service.apply(specs, 'test-bulk');
    expect(plan.entries).toHaveLength(1000);
    expect(Date.now() - started).toBeLessThan(20_000);
    const again = await service.apply(specs, 'test-bulk');
    expect(again.unchanged).toHaveLength(1000);
  });
});
