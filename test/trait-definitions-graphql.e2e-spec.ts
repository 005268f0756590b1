import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/bootstrap';
import { gql } from './utils/graphql-request';
import { createKey } from './utils/keys';
import { startTestApp, TestApp } from './utils/test-app';
import { createTestSchema, schemaClient } from './utils/test-schema';

// Jest applies testTimeout only globally, not from the e2e project's config.
jest.setTimeout(60_000);

const EXAMPLES = join(__dirname, '..', 'trait-definitions');

const LIST = `query ($all: Boolean) {
  traitDefinitions(includeRetired: $all) {
    name type description owner pii exposure freshness freshnessSeconds column values
    sourceKind source origin version schemaVersion retired retiredAt updatedAt
    versions { version schemaVersion change reasons createdAt }
  }
}`;
const ONE = `query ($name: String!) {
  traitDefinition(name: $name) { name type version schemaVersion retired versions { version schemaVersion change reasons spec } }
}`;

interface Def {
  name: string;
  type: string;
  pii: boolean;
  exposure: string[];
  retired: boolean;
  version: number;
  schemaVersion: string;
  source: Record<string, unknown>;
  versions: {
    version: number;
    schemaVersion: string;
    change: string;
    reasons: string[];
    spec?: { type: string };
  }[];
  [key: string]: unknown;
}

describe('trait definitions applied at start, read through GraphQL', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'traitbase-defs-gql-'));
    await cp(EXAMPLES, dir, { recursive: true });
    t = await startTestApp({ traitDefinitionsDir: dir });
  });

  afterAll(async () => {
    await t.app.close();
    await t.db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies the example folder at start and lists it by name', async () => {
    const res = await gql<{ traitDefinitions: Def[] }>(t.url, LIST, {}, t.adminKey);
    expect(res.errors).toBeUndefined();
    const defs = res.data!.traitDefinitions;
    // The shipped audiences (trait-definitions/audiences/) add their membership traits.
    expect(defs.map((d) => d.name)).toEqual([
      'audience:at_risk_spenders',
      'audience:store_abandoners',
      'churn_propensity',
      'contact_email',
      'country',
      'favourite_mode',
      'last_active_at',
      'lifetime_value',
      'marketing_opt_in',
      'player_level',
      'preferred_language',
    ]);
    const email = defs.find((d) => d.name === 'contact_email')!;
    expect(email).toMatchObject({
      type: 'string',
      pii: true,
      exposure: ['admin'],
      column: 'email',
      sourceKind: 'dbt',
      origin: 'yaml',
      version: 1,
      schemaVersion: '1-0-0',
      retired: false,
      retiredAt: null,
      source: { kind: 'dbt', model: 'model.game.player_stats', file: 'player_stats.yaml' },
      versions: [
        {
          version: 1,
          schemaVersion: '1-0-0',
          change: 'initial',
          reasons: ['declared by yaml file player_stats.yaml'],
        },
      ],
    });
    expect(defs.find((d) => d.name === 'lifetime_value')).toMatchObject({
      freshness: '2h',
      freshnessSeconds: 7200,
    });
    expect(defs.find((d) => d.name === 'favourite_mode')?.values).toEqual([
      'campaign',
      'ranked',
      'casual',
      'co_op',
    ]);
  });

  it('lets profile:read keys browse definitions, refuses other keys and anonymous calls', async () => {
    const reader = await createKey(t, 'profile:read');
    const ingest = await createKey(t, 'ingest');
    const asReader = await gql<{ traitDefinition: Def }>(
      t.url,
      ONE,
      { name: 'churn_propensity' },
      reader,
    );
    expect(asReader.data?.traitDefinition).toMatchObject({
      name: 'churn_propensity',
      type: 'number',
    });
    const asIngest = await gql(t.url, ONE, { name: 'churn_propensity' }, ingest);
    expect(asIngest.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await gql(t.url, ONE, { name: 'churn_propensity' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('returns null for an unknown name', async () => {
    const res = await gql<{ traitDefinition: Def | null }>(
      t.url,
      ONE,
      { name: 'no_such_trait' },
      t.adminKey,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.traitDefinition).toBeNull();
  });

  it('applies a changed folder at the next start: new versions, retired definitions kept', async () => {
    await t.app.close();
    await rm(join(dir, 'churn.yaml'));
    // The audience reading churn_propensity goes with it (a rule may not read a retired trait).
    await rm(join(dir, 'audiences', 'at_risk_spenders.yaml'));
    await writeFile(
      join(dir, 'profile_api.yaml'),
      'source: { kind: api }\ntraits:\n' +
        '  - { name: preferred_language, type: category, values: [en, km, th], owner: game-backend, description: Language chosen in the game settings }\n' +
        '  - { name: marketing_opt_in, type: string, owner: game-backend, description: Player agreed to receive marketing messages, exposure: [profile:read, admin] }\n',
    );
    t.app = await createApp(t.config, 'warn');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address();
    t.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const active = await gql<{ traitDefinitions: Def[] }>(t.url, LIST, {}, t.adminKey);
    expect(active.data!.traitDefinitions.map((d) => d.name)).not.toContain('churn_propensity');

    const all = await gql<{ traitDefinitions: Def[] }>(t.url, LIST, { all: true }, t.adminKey);
    const byName = new Map(all.data!.traitDefinitions.map((d) => [d.name, d]));
    expect(byName.get('churn_propensity')).toMatchObject({
      retired: true,
      version: 2,
      retiredAt: expect.any(String),
      versions: [
        expect.objectContaining({ version: 2, change: 'retired' }),
        expect.objectContaining({ version: 1, change: 'initial' }),
      ],
    });
    expect(byName.get('marketing_opt_in')).toMatchObject({
      type: 'string',
      version: 2,
      schemaVersion: '2-0-0',
    });
    expect(byName.get('marketing_opt_in')!.versions[0]).toMatchObject({
      change: 'breaking',
      reasons: ['type boolean → string'],
    });
    expect(byName.get('preferred_language')).toMatchObject({ version: 2, schemaVersion: '1-1-0' });
    expect(byName.get('preferred_language')!.versions[0].reasons).toEqual([
      'values removed: vi, id, ja, ko',
    ]);
    expect(byName.get('lifetime_value')).toMatchObject({ version: 1 });

    const one = await gql<{ traitDefinition: Def }>(
      t.url,
      ONE,
      { name: 'marketing_opt_in' },
      t.adminKey,
    );
    expect(one.data!.traitDefinition.versions.map((v) => v.spec?.type)).toEqual([
      'string',
      'boolean',
    ]);
  });
});

describe('an invalid definitions folder stops the start', () => {
  it('fails with every problem as file:line:col, applying nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'traitbase-defs-bad-'));
    const db = await createTestSchema();
    await writeFile(
      join(dir, 'a.yaml'),
      'source: { kind: api }\ntraits:\n  - { name: level, type: number, colour: red }\n',
    );
    await writeFile(
      join(dir, 'b.yaml'),
      'source: { kind: api }\ntraits:\n  - { name: level, type: number }\n',
    );
    const config = {
      databaseUrl: db.url,
      databaseSchema: db.schema,
      redisUrl: 'redis://127.0.0.1:6379',
      warehouseUrl: db.url,
      port: 0,
      traitDefinitionsDir: dir,
      adminKey: undefined,
      notebookPython: '/usr/bin/python3',
      role: 'all' as const,
      apiKeyCacheMs: 0,
      introspection: false,
      feedRetentionSeconds: 7 * 86_400,
      ledgerRetentionSeconds: 365 * 86_400,
    };
    const app = await createApp(config, 'fatal');
    try {
      const started = app.init();
      await expect(started).rejects.toThrow(/invalid trait definitions .*\(2 problem\(s\)\)/);
      await expect(started).rejects.toThrow(
        `${join(dir, 'a.yaml')}:3:34: traits[0].colour: unknown key`,
      );
      await expect(started).rejects.toThrow(
        `${join(dir, 'b.yaml')}:3:13: traits[0].name: trait "level" is already declared at ${join(dir, 'a.yaml')}:3:13`,
      );
      const client = await schemaClient(db);
      const { rows } = await client.query<{ count: string }>(
        'SELECT count(*) FROM trait_definition',
      );
      await client.end();
      expect(Number(rows[0].count)).toBe(0);
    } finally {
      await app.close().catch(() => undefined);
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
