import { Client } from 'pg';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { createKey } from '../utils/keys';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { ask, PREVIEW, save, user, waitForFullRuns, writeTraits } from './audience-helpers';

const level = traitSpec({ name: 'level', type: 'number' });
const country = traitSpec({ name: 'country', type: 'category', values: ['KH', 'TH', 'VN'] });
const vip = traitSpec({ name: 'vip', type: 'boolean' });

type Person = { level?: number; country?: string; vip?: boolean };
type Condition = (p: Person) => boolean;

// The scripted dataset: every profile of the test schema, some traits missing on purpose.
const PEOPLE: Person[] = [
  { level: 12, country: 'KH', vip: true },
  { level: 30, country: 'TH' },
  { level: 10, country: 'VN', vip: true },
  { level: 9, country: 'KH', vip: true },
  { level: 50, country: 'VN', vip: false },
  { level: 15, country: 'KH', vip: false },
  { level: 2 },
  { country: 'TH' },
  { vip: true },
  { level: 4, country: 'VN' },
  { level: 100, country: 'TH', vip: true },
  { level: 11, country: 'VN' },
  { level: 7, vip: false },
];

// Each top-level member of a rule with its meaning written out by hand, as the reference: a
// missing trait matches no comparison, and `not` holds wherever its condition does not.
const ALL_RULE = {
  all: [
    { trait: 'level', op: 'gte', value: 10 },
    {
      any: [
        { trait: 'country', op: 'in', value: ['KH', 'TH'] },
        { trait: 'vip', op: 'eq', value: true },
      ],
    },
    { not: { trait: 'vip', op: 'eq', value: false } },
  ],
};
const ALL_PARTS: Condition[] = [
  (p) => p.level !== undefined && p.level >= 10,
  (p) => p.country === 'KH' || p.country === 'TH' || p.vip === true,
  (p) => !(p.vip === false),
];
const ANY_RULE = {
  any: [
    { trait: 'level', op: 'lt', value: 5 },
    { trait: 'country', op: 'eq', value: 'VN' },
    { trait: 'vip', op: 'missing' },
  ],
};
const ANY_PARTS: Condition[] = [
  (p) => p.level !== undefined && p.level < 5,
  (p) => p.country === 'VN',
  (p) => p.vip === undefined,
];

const countOf = (match: Condition) => PEOPLE.filter(match).length;

describe('audiencePreview: counts per top-level group on a scripted dataset', () => {
  let t: TestApp;
  let writer: string;
  let reader: string;
  let ids: string[];

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, country, vip]);
    writer = await createKey(t, 'audience:write');
    reader = await createKey(t, 'profile:read');
    ids = [];
    for (const person of PEOPLE) ids.push(await writeTraits(t, user(), person));
  });
  afterAll(() => t.close());

  it('the dataset is the whole schema, and the groups are not all alike', async () => {
    expect(await sql(t, 'SELECT id FROM profile')).toHaveLength(PEOPLE.length);
    // Distinct expected counts, so a count reported under the wrong pointer cannot pass.
    for (const parts of [ALL_PARTS, ANY_PARTS]) {
      const counts = parts.map(countOf);
      expect(new Set(counts).size).toBe(counts.length);
    }
  });

  it.each([
    ['all', ALL_RULE, ALL_PARTS, (p: Person) => ALL_PARTS.every((c) => c(p))],
    ['any', ANY_RULE, ANY_PARTS, (p: Person) => ANY_PARTS.some((c) => c(p))],
  ] as const)(
    'a top-level %s: each member alone counts the profiles it matches; the size counts the members',
    async (kind, rule, parts, whole) => {
      const res = await ask(t, PREVIEW, { rule }, writer);
      expect(res.errors).toBeUndefined();
      const preview = res.data.audiencePreview;
      expect(preview.groups).toEqual(
        parts.map((part, i) => ({ pointer: `/${kind}/${i}`, size: countOf(part) })),
      );
      const members = PEOPLE.flatMap((p, i) => (whole(p) ? [ids[i]] : []));
      expect(preview.size).toBe(members.length);
      // Fewer than the sample's 10, so the sample is every member.
      expect(members.length).toBeLessThan(10);
      expect(preview.sample.map((s: any) => s.profileId)).toEqual([...members].sort());
    },
  );

  it('a rule of one condition has the one group "" of the same size', async () => {
    const rule = { trait: 'country', op: 'eq', value: 'VN' };
    const res = await ask(t, PREVIEW, { rule }, writer);
    const size = countOf((p) => p.country === 'VN');
    expect(res.data.audiencePreview).toMatchObject({ size, groups: [{ pointer: '', size }] });
  });

  it('the previewed size equals the members the saved audience records', async () => {
    const preview = await ask(t, PREVIEW, { rule: ALL_RULE }, writer);
    await save(t, writer, { slug: 'previewed', name: 'Previewed', rule: ALL_RULE });
    await waitForFullRuns(t, 'previewed');
    const saved = await ask(
      t,
      `{ audience(slug: "previewed") { size members(first: 50) { nodes { profileId } } } }`,
      {},
      reader,
    );
    expect(saved.errors).toBeUndefined();
    const members = saved.data.audience.members.nodes.map((m: any) => m.profileId).sort();
    expect(saved.data.audience.size).toBe(preview.data.audiencePreview.size);
    expect(members).toEqual(preview.data.audiencePreview.sample.map((s: any) => s.profileId));
  });
});

describe('audiencePreview: the statement timeout', () => {
  const TIMEOUT_MS = 200;
  let t: TestApp;
  let writer: string;

  beforeAll(async () => {
    t = await startTestApp({ audiencePreviewTimeoutMs: TIMEOUT_MS });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    writer = await createKey(t, 'audience:write');
    for (const n of [1, 20, 30]) await writeTraits(t, user(), { level: n });
  });
  afterAll(() => t.close());

  it('answers UNAVAILABLE when the preview outlasts its budget, and the server stays healthy', async () => {
    const rule = { trait: 'level', op: 'gte', value: 10 };
    // Another transaction holds the profile table exclusively: the preview's read must wait for
    // it, so it outlasts any budget without depending on data size or machine speed.
    const holder = new Client({ connectionString: t.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${t.db.schema}".profile IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      const res = await ask(t, PREVIEW, { rule }, writer);
      const took = Date.now() - started;
      expect(res.data).toBeNull();
      expect(res.errors).toHaveLength(1);
      expect(res.errors[0]).toMatchObject({
        message: `rule: the preview took longer than ${TIMEOUT_MS} ms; narrow the rule or try again`,
        extensions: { code: 'UNAVAILABLE' },
      });
      expect(JSON.stringify(res.errors[0])).not.toMatch(/statement timeout|SELECT|profile p/);
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(took).toBeLessThan(5000);
      // The database cancelled the statement: nothing of the preview still waits for the lock.
      const waiting = await holder.query(
        `SELECT pid FROM pg_stat_activity
         WHERE pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE '%count(*) OVER ()%'`,
      );
      expect(waiting.rows).toEqual([]);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }

    const health = await fetch(`${t.url}/health`);
    expect({ status: health.status, body: await health.json() }).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    // The same preview, unblocked, answers in time on the connection pool it came from.
    for (let i = 0; i < 3; i++) {
      const again = await ask(t, PREVIEW, { rule }, writer);
      expect(again.errors).toBeUndefined();
      expect(again.data.audiencePreview).toMatchObject({
        size: 2,
        groups: [{ pointer: '', size: 2 }],
      });
    }
  });
});
