import type { TraitSpec } from '../trait-spec';
import { ExistingDefinition, planDefinitions } from './definition-plan';

function spec(name: string, overrides: Partial<TraitSpec> = {}): TraitSpec {
  return {
    name,
    type: 'number',
    description: null,
    owner: 'tests',
    pii: false,
    exposure: ['profile:read', 'profile:read:pii', 'admin'],
    freshness: null,
    column: name,
    values: null,
    source: { kind: 'api', file: 'api.yaml' },
    ...overrides,
  };
}

let nextId = 1;
function stored(s: TraitSpec, over: Partial<ExistingDefinition> = {}): ExistingDefinition {
  return {
    id: nextId++,
    name: s.name,
    origin: 'yaml',
    version: 1,
    schemaVersion: '1-0-0',
    spec: s,
    retired: false,
    ...over,
  };
}

describe('planDefinitions', () => {
  it('creates new definitions at version 1, 1-0-0', () => {
    const plan = planDefinitions([], [spec('b'), spec('a')], 'yaml');
    expect(
      plan.entries.map((e) => [e.action, e.name, e.version, e.schemaVersion, e.change, e.breaking]),
    ).toEqual([
      ['create', 'a', 1, '1-0-0', 'initial', false],
      ['create', 'b', 1, '1-0-0', 'initial', false],
    ]);
    expect(plan.entries[0].reasons).toEqual(['declared by yaml file api.yaml']);
  });

  it('leaves unchanged definitions alone', () => {
    const plan = planDefinitions([stored(spec('a'))], [spec('a')], 'yaml');
    expect(plan).toMatchObject({ entries: [], unchanged: ['a'], conflicts: [] });
  });

  it('bumps the counter and the SchemaVer level of a change', () => {
    const existing = [
      stored(spec('a'), { version: 3, schemaVersion: '1-2-0' }),
      stored(spec('b'), { version: 2, schemaVersion: '1-0-1' }),
      stored(spec('c')),
    ];
    const plan = planDefinitions(
      existing,
      [spec('a', { type: 'string' }), spec('b', { pii: true }), spec('c', { owner: 'x' })],
      'yaml',
    );
    expect(
      plan.entries.map((e) => [
        e.name,
        e.fromVersion,
        e.version,
        e.fromSchemaVersion,
        e.schemaVersion,
        e.change,
        e.breaking,
      ]),
    ).toEqual([
      ['a', 3, 4, '1-2-0', '2-0-0', 'breaking', true],
      ['b', 2, 3, '1-0-1', '1-1-0', 'revision', false],
      ['c', 1, 2, '1-0-0', '1-0-1', 'addition', false],
    ]);
  });

  it('retires what the origin no longer declares, keeping its spec and SchemaVer, as breaking', () => {
    const gone = stored(spec('gone'), { version: 2, schemaVersion: '1-1-0' });
    const plan = planDefinitions([gone, stored(spec('kept'))], [spec('kept')], 'yaml');
    expect(plan.entries).toEqual([
      expect.objectContaining({
        action: 'retire',
        name: 'gone',
        change: 'retired',
        breaking: true,
        version: 3,
        schemaVersion: '1-1-0',
        spec: gone.spec,
        reasons: ['no longer declared (was in api.yaml)'],
      }),
    ]);
  });

  it('never retires definitions of another origin, nor already retired ones', () => {
    const existing = [
      stored(spec('from_dbt'), { origin: 'dbt' }),
      stored(spec('old'), { retired: true }),
    ];
    expect(planDefinitions(existing, [], 'yaml').entries).toEqual([]);
  });

  it('restores a retired definition when it is declared again', () => {
    const same = planDefinitions(
      [stored(spec('a'), { version: 2, retired: true })],
      [spec('a')],
      'yaml',
    );
    expect(same.entries).toEqual([
      expect.objectContaining({
        action: 'restore',
        change: 'restored',
        version: 3,
        schemaVersion: '1-0-0',
        breaking: false,
        reasons: ['restored after retirement'],
      }),
    ]);
    const changed = planDefinitions(
      [stored(spec('a'), { version: 2, retired: true })],
      [spec('a', { type: 'string' })],
      'yaml',
    );
    expect(changed.entries[0]).toMatchObject({
      action: 'restore',
      schemaVersion: '2-0-0',
      level: 'breaking',
      breaking: true,
      reasons: ['restored after retirement', 'type number → string'],
    });
  });

  it('reports a name another origin manages as a conflict, unless retired there', () => {
    const active = planDefinitions([stored(spec('ltv'), { origin: 'dbt' })], [spec('ltv')], 'yaml');
    expect(active).toMatchObject({ entries: [], conflicts: [{ name: 'ltv', managedBy: 'dbt' }] });
    const retired = planDefinitions(
      [stored(spec('ltv'), { origin: 'dbt', retired: true })],
      [spec('ltv')],
      'yaml',
    );
    expect(retired.entries[0]).toMatchObject({
      action: 'restore',
      reasons: ['restored, taken over from origin dbt'],
    });
  });
});
