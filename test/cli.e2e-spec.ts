import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../src/api-keys/api-key.entity';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import type { AppConfig } from '../src/config/configuration';
import { dataSourceOptions } from '../src/database/data-source';
import { createTestSchema, TestSchema } from './utils/test-schema';

// Each case starts real processes (1-3 s each); the e2e project's testTimeout is not applied per file.
jest.setTimeout(60_000);

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'bin', 'traitbase.js');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs the real bin as a user would, from the sources (not a possibly stale dist/).
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '', TRAITBASE_FROM_SOURCE: '1', ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const API_FILE = (...traits: string[]) =>
  `source: { kind: api }\ntraits:\n${traits.map((t) => `  - ${t}\n`).join('')}`;

describe('traitbase defs validate (no database)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'traitbase-cli-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 with a count for a valid folder', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      API_FILE('{ name: a, type: string }', '{ name: b, type: boolean }'),
    );
    await writeFile(join(dir, 'b.yml'), API_FILE('{ name: c, type: json }'));
    const res = await cli(['defs', 'validate', dir]);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toBe(`${dir}: 3 trait definition(s) in 2 file(s), all valid\n`);
  });

  it('checks destinations/: counts valid ones, names file, line, field and rule of bad ones', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'destinations'));
    await writeFile(
      join(dir, 'destinations', 'crm.yaml'),
      'name: CRM\nkind: webhook\nurl: http://127.0.0.1:9100/hook\nsecret_env: CRM_SECRET\naudiences: [whales]\n',
    );
    expect((await cli(['defs', 'validate', dir])).stdout).toBe(
      `${dir}: 0 trait definition(s) in 0 file(s), 1 destination(s), all valid\n`,
    );
    await writeFile(
      join(dir, 'destinations', 'bad.yaml'),
      'name: Bad\nkind: webhook\nurl: http://x\ntraits: [ltv]\nrate_limit: 0\n',
    );
    const res = await cli(['defs', 'validate', dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `${join(dir, 'destinations', 'bad.yaml')}:5:13: rate_limit: must be > 0\n` +
        '1 problem(s) in 1 file(s)\n',
    );
  });

  it('exits 1 naming file and line for an unknown key, a wrong type and a name used in another file', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      API_FILE('{ name: level, type: number }', '{ name: tier, type: category, colour: red }'),
    );
    await writeFile(
      join(dir, 'b.yaml'),
      API_FILE('{ name: level, type: number }', '{ name: ltv, type: 12 }'),
    );
    const res = await cli(['defs', 'validate', dir]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toEqual([
      `${dir}/a.yaml:4:35: traits[1].colour: unknown key (allowed: name, column, type, description, owner, pii, exposure, freshness, values)`,
      `${dir}/b.yaml:3:13: traits[0].name: trait "level" is already declared at ${dir}/a.yaml:3:13`,
      `${dir}/b.yaml:4:24: traits[1].type: must be a string`,
      '3 problem(s) in 2 file(s)',
    ]);
  });

  it('exits 1 for a missing folder, 2 for a usage error, 0 for the shipped examples', async () => {
    const missing = await cli(['defs', 'validate', join(dir, 'nope')]);
    expect(missing).toMatchObject({ code: 1, stderr: `${join(dir, 'nope')}: no such folder\n` });
    const usage = await cli(['defs', 'validate', dir, 'extra']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('traitbase: unexpected argument extra');
    expect(usage.stderr).toContain('Usage: traitbase <command>');
    const unknown = await cli(['defs', 'lint']);
    expect(unknown).toMatchObject({ code: 2 });
    const examples = await cli(['defs', 'validate'], {
      TRAIT_DEFINITIONS_DIR: 'trait-definitions',
    });
    expect(examples).toMatchObject({
      code: 0,
      stdout: 'trait-definitions: 9 trait definition(s) in 3 file(s), 2 audience(s), all valid\n',
    });
  });
});

describe('traitbase defs plan/apply and keys (test schema)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestSchema();
    ds = await new DataSource(dataSourceOptions(db.url, db.schema)).initialize();
    dir = await mkdtemp(join(tmpdir(), 'traitbase-cli-db-'));
    await cp(join(ROOT, 'trait-definitions'), dir, { recursive: true });
    // PORT: a numeric variable must be read as a number (config decorators need reflect-metadata first).
    env = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema, PORT: '3001' };
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const count = async (sql: string) => Number((await ds.query<{ n: string }[]>(sql))[0].n);

  it('plans, applies, and re-applies without new versions', async () => {
    const plan = await cli(['defs', 'plan', dir, '--json'], env);
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout) as { applied: boolean; entries: { action: string }[] };
    expect(planned.applied).toBe(false);
    expect(planned.entries.map((e) => e.action)).toEqual(Array(9).fill('create'));
    expect(await count('SELECT count(*) AS n FROM trait_definition')).toBe(0);

    const apply = await cli(['defs', 'apply', dir], env);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('+ lifetime_value (number, dbt) 1-0-0');
    expect(apply.stdout).toContain('9 new, 0 changed, 0 retired, 0 unchanged; 0 breaking.');
    expect(await count('SELECT count(*) AS n FROM trait_definition_version')).toBe(9);

    const again = await cli(['defs', 'apply', dir], env);
    expect(again.stdout).toContain('0 new, 0 changed, 0 retired, 9 unchanged; 0 breaking.');
    expect(await count('SELECT count(*) AS n FROM trait_definition_version')).toBe(9);
  });

  it('flags a type change and a removed trait as breaking in the plan', async () => {
    await rm(join(dir, 'churn.yaml'));
    const api = await readFile(join(dir, 'profile_api.yaml'), 'utf8');
    const retyped = api.replace(
      '    type: category\n    values: [en, km, th, vi, id, ja, ko]\n',
      '    type: string\n',
    );
    expect(retyped).not.toBe(api);
    await writeFile(join(dir, 'profile_api.yaml'), retyped);
    // A destination sending the trait about to be retired: the plan names it.
    await ds.query(`INSERT INTO destination (slug, spec, origin) VALUES ('crm', $1, 'api')`, [
      { name: 'CRM', kind: 'webhook', url_env: 'CRM_URL', traits: ['churn_propensity'] },
    ]);
    const plan = await cli(['defs', 'plan', dir], env);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /~ preferred_language \(breaking\) 1-0-0 → 2-0-0 {2}BREAKING\n\s+type category → string/,
    );
    expect(plan.stdout).toMatch(
      /- churn_propensity \(retired\) 1-0-0 {2}BREAKING\n\s+no longer declared \(was in churn\.yaml\)\n\s+used by: destination crm/,
    );
    expect(plan.stdout).toContain('0 new, 1 changed, 1 retired, 7 unchanged; 2 breaking.');
    expect(
      await count('SELECT count(*) AS n FROM trait_definition WHERE retired_at IS NOT NULL'),
    ).toBe(0);
  });

  it('refuses to plan or apply an invalid folder, touching nothing', async () => {
    await writeFile(join(dir, 'broken.yaml'), API_FILE('{ name: Broken, type: string }'));
    const res = await cli(['defs', 'apply', dir], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${dir}/broken.yaml:3:13: traits[0].name: must be snake_case`);
    expect(await count('SELECT count(*) AS n FROM trait_definition_version')).toBe(9);
    await rm(join(dir, 'broken.yaml'));
  });

  it('creates a key printed once, which authenticates with its scopes, then revokes it', async () => {
    const created = await cli(
      [
        'keys',
        'create',
        '--name',
        'game client',
        '--scope',
        'profile:read',
        '--scope',
        'ingest,profile:read',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^tb_[a-z0-9]{10}_[A-Za-z0-9_-]{32,}$/);
    expect(created.stderr).toContain('with scope(s) profile:read, ingest');

    const keys = new ApiKeysService(ds.getRepository(ApiKeyEntity), {
      apiKeyCacheMs: 0,
    } as AppConfig);
    expect(await keys.authenticate(key)).toMatchObject({
      name: 'game client',
      scopes: ['profile:read', 'ingest'],
    });
    const [row] = await ds.query<{ secret_hash: string }[]>('SELECT secret_hash FROM api_key');
    // The secret is everything after tb_<prefix>_ (it may itself contain '_').
    expect(row.secret_hash).not.toContain(key.slice('tb_'.length + 10 + 1));

    const listed = await cli(['keys', 'list', '--json'], env);
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({ name: 'game client', prefix: key.split('_')[1], revokedAt: null }),
    ]);
    expect(listed.stdout).not.toContain(key.split('_')[2]);

    const revoked = await cli(['keys', 'revoke', key.split('_')[1]], env);
    expect(revoked).toMatchObject({ code: 0 });
    expect(await keys.authenticate(key)).toBeNull();
    const twice = await cli(['keys', 'revoke', key.split('_')[1]], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('no active key');
  });

  it('rejects bad key requests: unknown scope (1), missing name or scope (2)', async () => {
    const badScope = await cli(['keys', 'create', '--name', 'x', '--scope', 'root'], env);
    expect(badScope.code).toBe(1);
    expect(badScope.stderr).toContain('scopes: unknown or missing scope(s) root');
    expect((await cli(['keys', 'create', '--scope', 'admin'], env)).code).toBe(2);
    expect((await cli(['keys', 'create', '--name', 'x'], env)).code).toBe(2);
    expect((await cli(['keys', 'revoke'], env)).code).toBe(2);
    expect(await count("SELECT count(*) AS n FROM api_key WHERE name = 'x'")).toBe(0);
  });

  it('gives a key a rate limit of its own at creation, changes it and returns it to the default', async () => {
    const created = await cli(
      ['keys', 'create', '--name', 'limited client', '--scope', 'ingest', '--rate-limit', '3/1m'],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('rate limit 3/60s');
    const key = created.stdout.trim();
    const prefix = key.split('_')[1];
    const keys = new ApiKeysService(ds.getRepository(ApiKeyEntity), {
      apiKeyCacheMs: 0,
    } as AppConfig);
    expect(await keys.authenticate(key)).toMatchObject({
      rateLimit: { requests: 3, windowSeconds: 60 },
    });

    const changed = await cli(['keys', 'set-limit', prefix, '100/1s'], env);
    expect(changed).toMatchObject({ code: 0, stdout: expect.stringContaining('100/1s') });
    const listed = JSON.parse((await cli(['keys', 'list', '--json'], env)).stdout) as {
      prefix: string;
      rateLimit: unknown;
    }[];
    expect(listed.find((r) => r.prefix === prefix)?.rateLimit).toEqual({
      requests: 100,
      windowSeconds: 1,
    });

    expect((await cli(['keys', 'set-limit', key, 'default'], env)).code).toBe(0);
    const back = await keys.authenticate(key);
    expect(back).not.toBeNull();
    expect(back?.rateLimit).toBeUndefined();

    const bad = await cli(['keys', 'set-limit', prefix, '0/1s'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('rate-limit: must be <requests>/<window>');
    const badCreate = await cli(
      ['keys', 'create', '--name', 'never made', '--scope', 'ingest', '--rate-limit', 'fast'],
      env,
    );
    expect(badCreate.code).toBe(1);
    expect(await count("SELECT count(*) AS n FROM api_key WHERE name = 'never made'")).toBe(0);
    expect((await cli(['keys', 'set-limit', prefix], env)).code).toBe(2);
  });
});
