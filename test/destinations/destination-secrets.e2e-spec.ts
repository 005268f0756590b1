import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { user, writeTraits } from '../audiences/audience-helpers';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { HttpSink } from '../utils/http-sink';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import { ask, saveDestination } from './destination-helpers';

// The CLI case starts a real process (1-3 s).
jest.setTimeout(60_000);

const SUFFIX = randomBytes(4).toString('hex').toUpperCase();
const SECRET_ENV = `TB_TEST_HOOK_${SUFFIX}`;
const TOKEN_ENV = `TB_TEST_TOKEN_${SUFFIX}`;
const TOKEN = `Bearer ${randomBytes(16).toString('hex')}`;
const CONFIGS = '{ destinations { slug config } }';
const CREDENTIAL_HEADER = 'is a credential header: give its value as {env: NAME}, never in clear';

describe('destination secrets come from the environment', () => {
  let t: TestApp;
  let sink: HttpSink;
  const ltv = traitSpec({ type: 'number' });

  beforeAll(async () => {
    process.env[SECRET_ENV] = randomBytes(16).toString('hex');
    process.env[TOKEN_ENV] = TOKEN;
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [ltv]);
    sink = await new HttpSink().start();
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  const hook = (extra: Record<string, unknown> = {}) => ({
    name: 'CRM',
    kind: 'webhook',
    url: sink.url,
    secret_env: SECRET_ENV,
    traits: [ltv.name],
    identities: ['user_id'],
    ...extra,
  });
  const slugs = async () =>
    (await ask(t, CONFIGS, {})).data.destinations.map((d: { slug: string }) => d.slug);

  it('saveDestination refuses literal credentials naming the field and the rule, and stores nothing', async () => {
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [
        hook({ headers: { Authorization: 'Bearer abc' } }),
        { 'config.headers.Authorization': CREDENTIAL_HEADER },
      ],
      [
        hook({ headers: { 'x-api-key': 'abc' } }),
        { 'config.headers.x-api-key': CREDENTIAL_HEADER },
      ],
      [
        hook({ url: 'https://user:pw@crm.example/hook' }),
        { 'config.url': 'must not carry credentials (user:password@): use url_env' },
      ],
      [
        hook({ url: 'https://crm.example/hook?access_token=abc' }),
        { 'config.url': 'must not carry credentials (query parameter access_token): use url_env' },
      ],
      [
        {
          name: 'Growth',
          kind: 'slack',
          url: 'https://hooks.slack.com/services/T/B/x',
          audiences: ['a'],
        },
        {
          'config.url':
            'is a secret for slack (whoever has an incoming-webhook URL can post): use url_env',
        },
      ],
    ];
    for (const [config, details] of cases) {
      const res = await saveDestination(t, 'refused', config);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details });
    }
    expect(await slugs()).not.toContain('refused');
  });

  it('sends a header read from the environment; the API answers with its name only', async () => {
    const config = hook({ headers: { authorization: { env: TOKEN_ENV }, 'x-team': 'growth' } });
    const saved = await saveDestination(t, 'crm', config);
    expect(saved.errors).toBeUndefined();
    expect(saved.data.saveDestination.config).toEqual(config);
    const player = user();
    await writeTraits(t, player, { [ltv.name]: 5 });
    const received = await waitFor('delivery', () =>
      sink.received.find((r) => r.raw.includes(player.value)),
    );
    expect(received.headers).toMatchObject({ authorization: TOKEN, 'x-team': 'growth' });
    const listed = await ask(t, CONFIGS, {});
    expect(JSON.stringify(listed)).not.toContain(TOKEN);
  });

  it('masks literal credentials of a destination stored before the rule', async () => {
    expect((await saveDestination(t, 'legacy', hook())).errors).toBeUndefined();
    await sql(t, `UPDATE destination SET spec = spec || $1::jsonb WHERE slug = 'legacy'`, [
      JSON.stringify({
        url: 'https://crm.example/hook?api_key=k3y',
        headers: { authorization: 'Bearer l1teral', 'x-team': 'growth' },
      }),
    ]);
    const listed = await ask(t, CONFIGS, {});
    const legacy = listed.data.destinations.find((d: { slug: string }) => d.slug === 'legacy');
    expect(legacy.config).toMatchObject({
      url: '[hidden]',
      headers: { authorization: '[hidden]', 'x-team': 'growth' },
    });
    expect(JSON.stringify(listed)).not.toMatch(/k3y|l1teral/);
  });
});

describe('traitbase defs validate refuses literal credentials in destinations/*.yaml', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'traitbase-secrets-'));
    await mkdir(join(dir, 'destinations'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('exits 1 naming file, line, field and rule', async () => {
    const file = join(dir, 'destinations', 'crm.yaml');
    await writeFile(
      file,
      'name: CRM\nkind: webhook\nurl: https://crm.example/hook\nsecret_env: CRM_SECRET\n' +
        'audiences: [whales]\nheaders:\n  authorization: Bearer abc\n',
    );
    const root = join(__dirname, '..', '..');
    const res = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        [join(root, 'bin', 'traitbase.js'), 'defs', 'validate', dir],
        { cwd: root, env: { ...process.env, NODE_OPTIONS: '', TRAITBASE_FROM_SOURCE: '1' } },
        (err, _stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stderr }),
      ),
    );
    expect(res).toEqual({
      code: 1,
      stderr: `${file}:7:18: headers.authorization: ${CREDENTIAL_HEADER}\n1 problem(s) in 1 file(s)\n`,
    });
  });
});
