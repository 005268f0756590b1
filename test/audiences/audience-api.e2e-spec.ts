import { parse } from 'yaml';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { createKey } from '../utils/keys';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import {
  ask,
  membership,
  PREVIEW,
  save,
  user,
  waitForFullRuns,
  writeTraits,
} from './audience-helpers';

describe('audience API: checks, cycles, previews, versions, archive', () => {
  let t: TestApp;
  let writer: string;
  let reader: string;
  const level = traitSpec({ name: 'level', type: 'number' });
  const banned = traitSpec({ name: 'banned', type: 'boolean' });
  const nick = traitSpec({ name: 'nickname', type: 'string', pii: true });

  beforeAll(async () => {
    t = await startTestApp();
    await insertTraitDefinitions(t.db.url, t.db.schema, [level, banned, nick]);
    writer = await createKey(t, 'audience:write');
    reader = await createKey(t, 'profile:read');
  });
  afterAll(() => t.close());

  it('rejects an invalid rule with the JSON pointer of its fault, saving nothing', async () => {
    const res = await save(t, writer, {
      slug: 'bad_rule',
      name: 'Bad',
      rule: {
        all: [
          { trait: 'level', op: 'gte', value: 10 },
          { any: [{ trait: 'level', op: 'gt', value: 'ten' }] },
        ],
      },
    });
    expect(res.errors[0]).toMatchObject({
      message: 'rule/all/1/any/0/value: must be a number',
      extensions: {
        code: 'BAD_USER_INPUT',
        details: { 'rule/all/1/any/0/value': 'must be a number' },
      },
    });
    const unknownOp = await save(t, writer, {
      slug: 'bad_rule',
      name: 'Bad',
      rule: { all: [{ trait: 'level', op: 'bigger' }] },
    });
    expect(Object.keys(unknownOp.errors[0].extensions.details)).toEqual(['rule/all/0/op']);
    const wrongOp = await save(t, writer, {
      slug: 'bad_rule',
      name: 'Bad',
      rule: { trait: 'nickname', op: 'gt', value: 1 },
    });
    expect(wrongOp.errors[0].message).toBe(
      'rule/op: a string trait takes eq, ne, in, contains, starts_with, exists, missing',
    );
    const unknownTrait = await save(t, writer, {
      slug: 'bad_rule',
      name: 'Bad',
      rule: { not: { trait: 'nope', op: 'exists' } },
    });
    expect(unknownTrait.errors[0].message).toBe('rule/not/trait: trait nope is not defined');
    const notANode = await save(t, writer, {
      slug: 'bad_rule',
      name: 'Bad',
      rule: { any: [{ colour: 'red' }] },
    });
    expect(notANode.errors[0].extensions.details).toEqual({
      'rule/any/0':
        'must be a group (all, any, not) or a condition (trait, identity, audience, event, funnel)',
    });
    const badSlug = await save(t, writer, {
      slug: 'Bad Slug',
      name: 'Bad',
      rule: { trait: 'level', op: 'exists' },
    });
    expect(badSlug.errors[0].extensions.details).toHaveProperty('slug');
    expect(await sql(t, `SELECT 1 FROM audience WHERE slug = 'bad_rule'`)).toEqual([]);
    expect(await sql(t, `SELECT 1 FROM trait_definition WHERE name = 'audience:bad_rule'`)).toEqual(
      [],
    );
  });

  it('rejects a cycle between audiences (a uses b uses a) with a clear error', async () => {
    expect(
      (
        await save(t, writer, {
          slug: 'cyc_b',
          name: 'B',
          rule: { trait: 'level', op: 'gte', value: 1 },
        })
      ).errors,
    ).toBeUndefined();
    const a = await save(t, writer, {
      slug: 'cyc_a',
      name: 'A',
      rule: { all: [{ trait: 'level', op: 'lt', value: 50 }, { audience: 'cyc_b' }] },
    });
    expect(a.errors).toBeUndefined();
    const cycle = await save(t, writer, {
      slug: 'cyc_b',
      name: 'B',
      rule: { any: [{ trait: 'level', op: 'gte', value: 1 }, { audience: 'cyc_a' }] },
    });
    expect(cycle.errors[0]).toMatchObject({
      message: 'rule/any/1/audience: audiences may not depend on themselves: cyc_b → cyc_a → cyc_b',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const self = await save(t, writer, {
      slug: 'cyc_b',
      name: 'B',
      rule: { not: { audience: 'cyc_b' } },
    });
    expect(self.errors[0].message).toBe(
      'rule/not/audience: audiences may not depend on themselves: cyc_b → cyc_b',
    );
    // b is unchanged: still version 1; archiving it while a reads it is refused.
    const b = await ask(
      t,
      `{ audience(slug: "cyc_b") { version versions { version } } }`,
      {},
      reader,
    );
    expect(b.data.audience).toEqual({ version: 1, versions: [{ version: 1 }] });
    const archive = await ask(
      t,
      `mutation { archiveAudience(slug: "cyc_b") { archived } }`,
      {},
      writer,
    );
    expect(archive.errors[0]).toMatchObject({
      message: 'audience cyc_b is read by audience(s) cyc_a; change them first',
      extensions: { code: 'CONFLICT' },
    });
  });

  it('makes a new version only when the definition changes; archiving retires the trait', async () => {
    const rule = { trait: 'level', op: 'gte', value: 5 };
    const v1 = await save(t, writer, { slug: 'versioned', name: 'V', rule });
    const same = await save(t, writer, { slug: 'versioned', name: 'V', rule });
    expect(same.data.saveAudience.version).toBe(v1.data.saveAudience.version);
    const v2 = await save(t, writer, { slug: 'versioned', name: 'V', rule: { ...rule, value: 6 } });
    expect(v2.data.saveAudience.version).toBe(2);
    await waitForFullRuns(t, 'versioned', 2);
    const read = await ask(
      t,
      `{ audience(slug: "versioned") { version rule versions { version rule savedBy } sizeHistory { size } yaml dependencies { traits timeDependent } } }`,
      {},
      reader,
    );
    expect(read.data.audience).toMatchObject({
      version: 2,
      rule: { trait: 'level', op: 'gte', value: 6 },
      versions: [
        { version: 2, rule: { value: 6 }, savedBy: 'test-audience:write' },
        { version: 1, rule: { value: 5 } },
      ],
      dependencies: { traits: ['level'], timeDependent: false },
    });
    expect(read.data.audience.sizeHistory).toHaveLength(1);
    expect(parse(read.data.audience.yaml)).toEqual({
      slug: 'versioned',
      name: 'V',
      rule: { trait: 'level', op: 'gte', value: 6 },
    });
    const defVersions = await sql<{ version: number; change: string }>(
      t,
      `SELECT v.version, v.change FROM trait_definition_version v JOIN trait_definition d ON d.id = v.definition_id
       WHERE d.name = 'audience:versioned' ORDER BY v.version`,
    );
    expect(defVersions).toEqual([
      { version: 1, change: 'initial' },
      { version: 2, change: 'addition' },
    ]);

    const archived = await ask(
      t,
      `mutation { archiveAudience(slug: "versioned") { archived } }`,
      {},
      writer,
    );
    expect(archived.data.archiveAudience).toEqual({ archived: true });
    const [def] = await sql<{ retired_at: Date | null; source_kind: string }>(
      t,
      `SELECT retired_at, source_kind FROM trait_definition WHERE name = 'audience:versioned'`,
    );
    expect(def).toMatchObject({ retired_at: expect.any(Date), source_kind: 'audience' });
    const list = await ask(
      t,
      `{ audiences { slug } all: audiences(includeArchived: true) { slug archived } }`,
      {},
      reader,
    );
    expect(list.data.audiences.map((a: any) => a.slug)).not.toContain('versioned');
    expect(list.data.all).toContainEqual({ slug: 'versioned', archived: true });
  });

  it('pages members and reads their profiles through the profile API', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => writeTraits(t, user(), { level: 40 })));
    await save(t, writer, {
      slug: 'level_40',
      name: 'Level 40',
      rule: { trait: 'level', op: 'eq', value: 40 },
    });
    await waitForFullRuns(t, 'level_40');
    const page = (after?: string) =>
      ask(
        t,
        `query($after: String) { audience(slug: "level_40") { size members(first: 2, after: $after) { nodes { profileId since profile { id revision } } endCursor hasNextPage } } }`,
        { after },
        reader,
      );
    const first = await page();
    expect(first.data.audience.size).toBe(3);
    expect(first.data.audience.members.hasNextPage).toBe(true);
    const second = await page(first.data.audience.members.endCursor);
    expect(second.data.audience.members.hasNextPage).toBe(false);
    const seen = [...first.data.audience.members.nodes, ...second.data.audience.members.nodes];
    expect(seen.map((m: any) => m.profileId).sort()).toEqual([...ids].sort());
    expect(seen[0].profile.id).toBe(seen[0].profileId);
  });

  it('requires audience:write to save and preview; profile:read may read', async () => {
    const denied = await save(t, reader, {
      slug: 'nope',
      name: 'Nope',
      rule: { trait: 'level', op: 'exists' },
    });
    expect(denied.errors[0].extensions.code).toBe('FORBIDDEN');
    const preview = await ask(t, PREVIEW, { rule: { trait: 'level', op: 'exists' } }, reader);
    expect(preview.errors[0].extensions.code).toBe('FORBIDDEN');
    const schema = await ask(t, `{ audienceRuleSchema }`, {}, reader);
    expect(schema.data.audienceRuleSchema.title).toBe('Traitbase audience rule');
  });

  it('audiencePreview(asOf: T) equals the membership the audience recorded at T (scripted history)', async () => {
    const rule = {
      all: [
        {
          any: [
            { trait: 'level', op: 'gte', value: 100 },
            { trait: 'banned', op: 'eq', value: false },
          ],
        },
        { not: { trait: 'banned', op: 'eq', value: true } },
      ],
    };
    const before = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const p1 = user();
    const p2 = user();
    const p3 = user();
    const id1 = await writeTraits(t, p1, { level: 120, nickname: 'ann' });
    const id2 = await writeTraits(t, p2, { level: 3 });
    const id3 = await writeTraits(t, p3, { level: 150 });
    const ours = new Set([id1, id2, id3]);
    await save(t, writer, { slug: 'history', name: 'History', rule });
    await waitForFullRuns(t, 'history');
    const settle = async (want: Record<string, boolean | null>) => {
      for (const [id, value] of Object.entries(want)) {
        await waitFor(
          `membership ${value} for ${id}`,
          async () => (await membership(t, 'history', id)) === value,
          { timeoutMs: 30_000, everyMs: 20 },
        );
      }
      // T is a moment when no input is changing: recorded membership follows an input change
      // by the evaluation's latency (milliseconds), a preview as of T does not.
      await new Promise((r) => setTimeout(r, 20));
      const at = new Date();
      await new Promise((r) => setTimeout(r, 20));
      return at;
    };
    const t1 = await settle({ [id1]: true, [id2]: null, [id3]: true });
    await writeTraits(t, p2, { banned: false });
    await writeTraits(t, p3, { banned: true });
    const t2 = await settle({ [id2]: true, [id3]: false });
    await writeTraits(t, p1, { level: 5 });
    await writeTraits(t, p3, { banned: false });
    const t3 = await settle({ [id1]: false, [id3]: true });

    // What the audience recorded at T: the membership trait's value in force at T.
    const recordedAt = async (at: Date) =>
      (
        await sql<{ profile_id: string }>(
          t,
          `SELECT r.profile_id FROM trait_revision r JOIN trait_definition d ON d.id = r.trait_id
           WHERE d.name = 'audience:history' AND r.value = 'true'::jsonb AND r.valid_from <= $1
             AND (r.valid_to IS NULL OR r.valid_to > $1) AND r.valid_to IS DISTINCT FROM r.valid_from`,
          [at],
        )
      )
        .map((r) => r.profile_id)
        .filter((id) => ours.has(id))
        .sort();
    for (const [at, want] of [
      [before, []],
      [t1, [id1, id3].sort()],
      [t2, [id1, id2].sort()],
      [t3, [id2, id3].sort()],
    ] as const) {
      const res = await ask(t, PREVIEW, { rule, asOf: at.toISOString() }, writer);
      expect(res.errors).toBeUndefined();
      const previewed = res.data.audiencePreview.sample
        .map((s: any) => s.profileId)
        .filter((id: string) => ours.has(id))
        .sort();
      expect(await recordedAt(at)).toEqual(want);
      const name = (x: string) => ({ [id1]: 'p1', [id2]: 'p2', [id3]: 'p3' })[x];
      expect({ at, previewed: previewed.map(name) }).toEqual({
        at,
        previewed: [...want].map(name),
      });
    }
    // Now: the same as the recorded membership, with group counts and a sample without PII.
    const now = await ask(t, PREVIEW, { rule }, writer);
    const sample = now.data.audiencePreview.sample.find((s: any) => s.profileId === id2);
    expect(sample.traits).toMatchObject({ level: 3, banned: false, 'audience:history': true });
    expect(now.data.audiencePreview.groups.map((g: any) => g.pointer)).toEqual([
      '/all/0',
      '/all/1',
    ]);
    const past = await ask(t, PREVIEW, { rule, asOf: t1.toISOString() }, writer);
    const then = past.data.audiencePreview.sample.find((s: any) => s.profileId === id1).traits;
    // As of t1, without PII (nickname).
    expect(then).toMatchObject({ level: 120, 'audience:history': true });
    expect(then).not.toHaveProperty('nickname');
  });
});
