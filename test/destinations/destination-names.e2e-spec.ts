import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AudiencesService } from '../../src/audiences/storage/audiences.service';
import { destinationUsageFromDatabase } from '../../src/destinations/storage/destination-trait-usage';
import { DestinationsService } from '../../src/destinations/storage/destinations.service';
import { DestinationsStartup } from '../../src/destinations/yaml/destinations.startup';
import { TraitDefinitionsService } from '../../src/trait-definitions/trait-definitions.service';
import { save, user, writeTraits } from '../audiences/audience-helpers';
import {
  insertTraitDefinitions,
  traitSpec,
  uniqueName,
} from '../factories/trait-definition.factory';
import { HttpSink } from '../utils/http-sink';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import { ask, saveDestination } from './destination-helpers';

// The CLI cases start a real process (1-3 s each).
jest.setTimeout(60_000);

const SECRET_ENV = `TB_TEST_HOOK_${randomBytes(4).toString('hex').toUpperCase()}`;
const DESTINATIONS = '{ destinations { slug origin traits audiences } }';
const ROOT = join(__dirname, '..', '..');

describe('a destination lists only traits and audiences that exist', () => {
  let t: TestApp;
  let sink: HttpSink;
  const ltv = traitSpec({ type: 'number' });
  // Declared by an origin of its own, so that origin's next apply can retire it alone.
  const score = traitSpec({ type: 'number' });
  const scoreOrigin = uniqueName('tests');
  const whales = uniqueName('whales');
  const gone = uniqueName('gone');

  beforeAll(async () => {
    process.env[SECRET_ENV] = randomBytes(16).toString('hex');
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [ltv]);
    await t.app.get(TraitDefinitionsService).apply([score], scoreOrigin);
    const rule = { trait: ltv.name, op: 'gt', value: 50 };
    for (const slug of [whales, gone])
      expect((await save(t, t.adminKey, { slug, name: slug, rule })).errors).toBeUndefined();
    const archived = await ask(t, `mutation { archiveAudience(slug: "${gone}") { slug } }`, {});
    expect(archived.errors).toBeUndefined();
    sink = await new HttpSink().start();
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  const hook = (extra: Record<string, unknown>) => ({
    name: 'CRM',
    kind: 'webhook',
    url: sink.url,
    secret_env: SECRET_ENV,
    identities: ['user_id'],
    ...extra,
  });
  const slugs = async () =>
    (await ask(t, DESTINATIONS, {})).data.destinations.map((d: { slug: string }) => d.slug);

  it('saveDestination refuses unknown traits and audiences and archived audiences, naming each field', async () => {
    const res = await saveDestination(
      t,
      'refused',
      hook({
        traits: [ltv.name, 'no_such_trait', 'email'],
        audiences: [whales, 'no_such_audience', gone],
      }),
    );
    expect(res.errors[0].message).toBe('config.traits[1]: no trait named no_such_trait');
    expect(res.errors[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      details: {
        'config.traits[1]': 'no trait named no_such_trait',
        'config.traits[2]':
          'no trait named email (email is an identity type: list it in identities)',
        'config.audiences[1]': 'no audience no_such_audience',
        'config.audiences[2]': `audience ${gone} is archived`,
      },
    });
    expect(await slugs()).not.toContain('refused');
  });

  it('accepts an audience made just before, as bench/activation makes it', async () => {
    const slug = uniqueName('bench');
    const destinations = t.app.get(DestinationsService);
    const config = hook({ url: `${sink.url}/bench`, audiences: [slug] });
    await expect(destinations.save('bench', config, { kind: 'api' })).rejects.toThrow(
      `config.audiences[0]: no audience ${slug}`,
    );
    await t.app.get(AudiencesService).save(
      {
        slug,
        name: 'Bench',
        rule: { trait: ltv.name, op: 'gte', value: 1 },
        schedule: '0 0 1 1 *',
      },
      { kind: 'api', savedBy: 'tests' },
    );
    await expect(destinations.save('bench', config, { kind: 'api' })).resolves.toMatchObject({
      slug: 'bench',
    });
    await destinations.archive('bench');
  });

  it('keeps delivering a destination whose trait is retired, lists it in the plan, and refuses to save it again so', async () => {
    const config = hook({ audiences: [whales], traits: [ltv.name, score.name] });
    expect((await saveDestination(t, 'crm', config)).errors).toBeUndefined();
    const player = user();
    await writeTraits(t, player, { [ltv.name]: 100, [score.name]: 7 });
    const mine = () => sink.records().filter((r) => r.fields.user_id === player.value);
    await waitFor('entered', () => mine().some((r) => r.type === 'entered'));

    // The plan of a retirement names the destinations that send the trait (and the audiences).
    const plan = await t.app.get(TraitDefinitionsService).plan([], scoreOrigin);
    expect(plan.entries.map((e) => [e.name, e.change, e.breaking, e.usedBy])).toEqual([
      [score.name, 'retired', true, ['destination crm']],
    ]);
    // The lookup `defs plan` uses reads the same from the table, memberships included.
    const lookup = destinationUsageFromDatabase(t.app.get(DataSource));
    const used = await lookup([score.name, `audience:${whales}`, ltv.name, 'other']);
    expect(Object.fromEntries(used)).toEqual({
      [score.name]: ['destination crm'],
      [`audience:${whales}`]: ['destination crm'],
      [ltv.name]: ['destination crm'],
    });

    await t.app.get(TraitDefinitionsService).apply([], scoreOrigin);
    // Kept, as an audience reading the trait is: the exit goes out with the last value of score.
    expect(await slugs()).toContain('crm');
    await writeTraits(t, player, { [ltv.name]: 10 });
    const exited = await waitFor('exited', () => mine().find((r) => r.type === 'exited'));
    expect(exited.fields).toMatchObject({ [ltv.name]: 10, [score.name]: 7 });

    const again = await saveDestination(t, 'crm', config);
    expect(again.errors[0].extensions.details).toEqual({
      'config.traits[1]': `trait ${score.name} is retired`,
    });
    const without = await saveDestination(t, 'crm', { ...config, traits: [ltv.name] });
    expect(without.errors).toBeUndefined();
  });
});

const TRAITS_FILE = 'source: { kind: api }\ntraits:\n  - { name: level, type: number }\n';
const AUDIENCE_FILE = 'name: Veterans\nrule: { trait: level, op: gte, value: 50 }\n';
const destinationFile = (lists: string) =>
  `name: CRM\nkind: webhook\nurl: http://127.0.0.1:9/hook\nsecret_env: ${SECRET_ENV}\n${lists}`;

async function definitionsFolder(destination: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tb-destination-names-'));
  await mkdir(join(dir, 'audiences'));
  await mkdir(join(dir, 'destinations'));
  await writeFile(join(dir, 'game.yaml'), TRAITS_FILE);
  await writeFile(join(dir, 'audiences', 'veterans.yaml'), AUDIENCE_FILE);
  await writeFile(join(dir, 'destinations', 'crm.yaml'), destinationFile(destination));
  return dir;
}

describe('destinations/ at start: the traits and audiences listed exist on the server', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = await definitionsFolder('audiences: [veterans]\ntraits: [level]\n');
    // The destination lists the folder's own audience: audiences/ is applied first.
    t = await startTestApp({ traitDefinitionsDir: dir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a destination listing the folder’s trait and audience', async () => {
    const listed = await ask(t, DESTINATIONS, {});
    expect(listed.data.destinations).toEqual([
      { slug: 'crm', origin: 'yaml', traits: ['level'], audiences: ['veterans'] },
    ]);
  });

  it('stops the start naming file, line, field and rule, and saves nothing', async () => {
    const bad = join(dir, 'destinations', 'bad.yaml');
    await writeFile(bad, destinationFile('audiences: [veterans, lapsed]\ntraits: [level, nope]\n'));
    try {
      await expect(t.app.get(DestinationsStartup).onApplicationBootstrap()).rejects.toThrow(
        'invalid destinations (2 problem(s)):\n' +
          `  ${bad}:5:23: audiences[1]: no audience lapsed\n` +
          `  ${bad}:6:17: traits[1]: no trait named nope`,
      );
      const listed = await ask(t, DESTINATIONS, {});
      expect(listed.data.destinations.map((d: { slug: string }) => d.slug)).toEqual(['crm']);
    } finally {
      await rm(bad);
    }
  });
});

describe('traitbase defs validate checks the names destinations/*.yaml list', () => {
  let dir: string;

  afterEach(() => rm(dir, { recursive: true, force: true }));

  function validate(): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) =>
      execFile(
        process.execPath,
        [join(ROOT, 'bin', 'traitbase.js'), 'defs', 'validate', dir],
        { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', TRAITBASE_FROM_SOURCE: '1' } },
        (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
  }

  it('exits 1 for names no trait or audience can have, with file:line:col', async () => {
    dir = await definitionsFolder(
      'audiences: [veterans, made_in_ui, At Risk]\ntraits: [level, from_dbt, email]\n',
    );
    const file = join(dir, 'destinations', 'crm.yaml');
    expect(await validate()).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `${file}:5:35: audiences[2]: no audience At Risk\n` +
        `${file}:6:27: traits[2]: no trait named email (email is an identity type: list it in identities)\n` +
        '2 problem(s) in 1 file(s)\n',
    });
  });

  it('passes the folder’s own names and leaves the others to the server', async () => {
    dir = await definitionsFolder(
      'audiences: [veterans, made_in_ui]\ntraits: [level, from_dbt, audience:veterans]\n',
    );
    expect(await validate()).toEqual({
      code: 0,
      stdout: `${dir}: 1 trait definition(s) in 1 file(s), 1 audience(s), 1 destination(s), all valid\n`,
      stderr: '',
    });
  });
});
