import { adminSql as admin, DemoServer, ROOT, run, startDemoServer } from './utils/demo-server';
import { HttpSink, validSignature } from './utils/http-sink';
import { readmeExamples } from './utils/readme-examples';
import { freePort } from './utils/server-process';

// A real server on a schema of its own, with a warehouse database of its own (the demo creates
// analytics.* there), loaded twice by the real `traitbase demo`; its webhook destination posts to
// a sink of the test's, signed with the secret the server was started with.
jest.setTimeout(300_000);

const WEBHOOK_SECRET = `demo-${Math.random().toString(36).slice(2)}`;

interface Outcome {
  keys: { game: string; admin: string };
  keysCreated: string[];
  players: number;
  events: { sent: number; stored: number };
  notebook: { runId: string | null; skipped: string | null };
  audiences: { slug: string; size: number | null }[];
  webhook: { destination: string | null; url: string | null; delivered: number; changed: boolean };
  changed: boolean;
  seconds: number;
}

const counts = (schema: string) => `SELECT
  (SELECT count(*) FROM "${schema}".profile) AS profiles,
  (SELECT count(*) FROM "${schema}".trait_revision) AS revisions,
  (SELECT count(*) FROM "${schema}".events) AS events,
  (SELECT count(*) FROM "${schema}".event_inbox) AS inbox,
  (SELECT count(*) FROM "${schema}".api_key) AS keys,
  (SELECT count(*) FROM "${schema}".audience_version) AS audience_versions,
  (SELECT count(*) FROM "${schema}".trait_definition_version) AS definition_versions,
  (SELECT count(*) FROM "${schema}".data_flow_ledger) AS deliveries,
  (SELECT count(*) FROM "${schema}".run
     WHERE NOT (source_kind = 'audience' AND metadata->>'trigger' = 'schedule')) AS runs`;

describe('traitbase demo', () => {
  let s: DemoServer;
  let sink: HttpSink;
  let url: string;
  let SCHEMA: string;
  let first: Outcome;

  beforeAll(async () => {
    sink = await new HttpSink().start();
    s = await startDemoServer({ DEMO_WEBHOOK_SECRET: WEBHOOK_SECRET });
    url = s.url;
    SCHEMA = s.schema;
  });

  afterAll(async () => {
    await s?.close();
    await sink?.close();
  });

  const demo = (args: string[] = ['--json']) =>
    s.cli(['demo', ...args], { DEMO_WEBHOOK_URL: sink.url });

  const runs = () =>
    admin(`SELECT source_kind, source, status, error FROM "${SCHEMA}".run ORDER BY started_at`);
  it('says to start the server when none answers, and refuses unknown options', async () => {
    const closed = await freePort();
    const res = await s.cli(['demo'], { TRAITBASE_URL: `http://127.0.0.1:${closed}` });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `traitbase: no healthy Traitbase answers at http://127.0.0.1:${closed}: start it with \`npm start\``,
    );
    const usage = await s.cli(['demo', '--players', '3']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('traitbase: unknown option --players');
  });

  it('starts on the shipped examples without a failed or skipped run', async () => {
    // The audiences in trait-definitions/audiences are evaluated at start, on no data.
    await new Promise((r) => setTimeout(r, 3000));
    const bad = (await runs()).filter((r) => r.status !== 'succeeded' && r.status !== 'running');
    expect(bad).toEqual([]);
  });

  it('loads the studio: events, the dbt model, the churn notebook, two audiences', async () => {
    const res = await demo();
    expect(res).toMatchObject({ code: 0 });
    first = JSON.parse(res.stdout) as Outcome;
    process.stderr.write(`demo load: ${first.seconds.toFixed(1)}s\n${res.stderr}`);
    expect(first.keysCreated).toEqual(['demo-game-client', 'demo-operator']);
    expect(first.events.sent).toBeGreaterThan(first.players * 10);
    expect(first.notebook).toMatchObject({ skipped: null, runId: expect.any(String) });
    expect(first.changed).toBe(true);
    for (const a of first.audiences) expect(a.size).toBeGreaterThan(0);
    expect(first.audiences.map((a) => a.slug)).toEqual(['at_risk_spenders', 'store_abandoners']);

    const [kinds] = await admin(`SELECT
      (SELECT count(*) FROM "${SCHEMA}".identity WHERE type = 'anonymous_id') AS devices,
      (SELECT count(DISTINCT profile_id) FROM "${SCHEMA}".identity WHERE type = 'user_id') AS players,
      (SELECT count(*) FROM "${SCHEMA}".events WHERE context->'location'->>'country' IS NOT NULL
         AND context->'device'->>'model' IS NOT NULL) AS located`);
    expect(Number(kinds.players)).toBe(first.players);
    expect(Number(kinds.devices)).toBe(first.players);
    expect(Number(kinds.located)).toBe(first.events.sent);
    const kindsRun = new Set(
      (await runs()).map((r) => `${String(r.source_kind)}:${String(r.status)}`),
    );
    expect([...kindsRun].sort()).toEqual([
      'audience:succeeded',
      'dbt:succeeded',
      'destination:succeeded',
      'notebook:succeeded',
    ]);
  });

  it('activation: the webhook destination sent the at-risk spenders, signed, and the ledger shows it', async () => {
    const size = first.audiences.find((a) => a.slug === 'at_risk_spenders')!.size!;
    expect(first.webhook).toMatchObject({ destination: 'demo_webhook', url: sink.url });
    expect(first.webhook.delivered).toBeGreaterThanOrEqual(size);
    const records = sink.records();
    expect(records.length).toBeGreaterThanOrEqual(size);
    expect(sink.received.every((r) => validSignature(WEBHOOK_SECRET, r))).toBe(true);
    const member = records.find((r) => r.audience === 'at_risk_spenders' && r.action === 'upsert');
    expect(member.fields).toEqual(
      expect.objectContaining({ user_id: expect.any(String), lifetime_value: expect.any(Number) }),
    );

    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${first.keys.admin}`,
        },
        body: JSON.stringify({ query, variables }),
      });
      return ((await res.json()) as { data: any }).data;
    };
    const flow = await gql(
      `query($id: String!) { dataFlow(identity: {type: "user_id", value: $id}) { destination reason subject deliveredAt responseStatus } }`,
      { id: member.fields.user_id },
    );
    expect(flow.dataFlow).toContainEqual(
      expect.objectContaining({
        destination: 'demo_webhook',
        subject: 'audience:at_risk_spenders',
        responseStatus: 200,
      }),
    );
    const log = await gql('{ deliveryLog(destination: "demo_webhook", first: 500) { profileId } }');
    expect(new Set(log.deliveryLog.map((d: { profileId: string }) => d.profileId)).size).toBe(size);
    const [{ dest }] = await admin(
      `SELECT count(*)::int AS dest FROM "${SCHEMA}".destination_outbox WHERE status IN ('pending', 'dead')`,
    );
    expect(dest).toBe(0);
  });

  it('without DEMO_WEBHOOK_URL the tour says how to get a destination', async () => {
    const res = await s.cli(['demo']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('activation: no destination — set DEMO_WEBHOOK_URL');
  });

  it('adds nothing when run again, and prints the same keys', async () => {
    const before = await admin(counts(SCHEMA));
    const res = await demo();
    expect(res).toMatchObject({ code: 0 });
    const again = JSON.parse(res.stdout) as Outcome;
    expect(again.changed).toBe(false);
    expect(again.keysCreated).toEqual([]);
    expect(again.keys).toEqual(first.keys);
    expect(again.events.sent).toBe(0);
    expect(again.audiences).toEqual(first.audiences);
    expect(await admin(counts(SCHEMA))).toEqual(before);
    expect(again.webhook).toEqual({ ...first.webhook, changed: false });
  });

  it('leaves no failed or skipped run', async () => {
    expect((await runs()).filter((r) => r.status !== 'succeeded')).toEqual([]);
  });

  it('prints a tour with the URLs, the keys and queries to try', async () => {
    const res = await demo([]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`ops UI     ${url}/`);
    expect(res.stdout).toContain(first.keys.admin);
    expect(res.stdout).toContain(first.keys.game);
    expect(res.stdout).toContain('already loaded (nothing added)');
  });

  describe('every README example, against the demo data', () => {
    const examples = readmeExamples(ROOT);

    it('finds examples for each persona', () => {
      expect(examples.filter((e) => e.kind === 'graphql').length).toBeGreaterThanOrEqual(4);
    });

    it.each(examples.map((e) => [`README.md:${e.line} (${e.kind})`, e] as const))(
      '%s',
      async (_, example) => {
        const key = first.keys[example.key];
        if (example.kind === 'graphql') {
          const res = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({ query: example.code }),
          });
          const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
          expect(body.errors).toBeUndefined();
          expect(res.status).toBe(200);
          // Every field the example asks for has a value on the demo data (a run's error aside).
          const nulls: string[] = [];
          const walk = (v: unknown, path: string): void => {
            if (v === null) nulls.push(path);
            else if (typeof v === 'object')
              for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`);
          };
          walk(body.data, '');
          expect(nulls.filter((p) => !p.endsWith('/error'))).toEqual([]);
          return;
        }
        const code = example.code
          .replaceAll('http://localhost:3000', url)
          .replaceAll('localhost:3000', url);
        const res = await run('/bin/bash', ['-euo', 'pipefail', '-c', code], {
          ...s.env,
          NODE_OPTIONS: '',
          TRAITBASE_FROM_SOURCE: '1',
          TRAITBASE_URL: url,
          ADMIN: first.keys.admin,
          GAME: first.keys.game,
        });
        expect(res.stderr).not.toMatch(/"errors"|error:/i);
        expect(res.code).toBe(0);
      },
    );
  });
});
