import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { CompileTarget } from '../../src/audiences/compile/compile-target';
import { ruleSql, universeSql } from '../../src/audiences/compile/rule-sql';
import { SqlParams } from '../../src/audiences/compile/sql-params';
import type { EventFact, ProfileFacts } from '../../src/audiences/evaluate/profile-facts';
import { evaluateRule } from '../../src/audiences/evaluate/rule-evaluator';
import type { RuleContext } from '../../src/audiences/rule/rule-semantics';
import { checkRule } from '../../src/audiences/rule/rule-validator';
import type { Rule } from '../../src/audiences/rule/rule.types';
import { createTestSchema, schemaClient, TestSchema } from '../utils/test-schema';
import {
  AS_OF,
  MEMBERSHIPS,
  profileArb,
  ProfileData,
  RevisionData,
  ruleArb,
  TRAITS,
} from './rule-arbitraries';

const CATALOGUE: RuleContext = {
  trait: (name) =>
    name in TRAITS
      ? {
          type: TRAITS[name as keyof typeof TRAITS],
          values: name === 'c_cat' ? ['a', 'b', 'c'] : null,
          retired: false,
        }
      : undefined,
  audience: (slug) => (MEMBERSHIPS.includes(slug) ? 'active' : undefined),
};

const RUNS = Number(process.env.AUDIENCE_PROPERTY_RUNS ?? 600);

// The value in force at `at` from a timeline: the revision with from ≤ at < to.
function valueAt(revisions: RevisionData[], at: number | null): unknown {
  if (at === null) return revisions.at(-1)?.value ?? null;
  const r = revisions.find(
    (x) => Date.parse(x.from) <= at && (x.to === null || Date.parse(x.to) > at),
  );
  return r?.value ?? null;
}

// What the evaluator is given: the facts at the evaluation time, read from the generated data
// (not from the database).
function factsOf(p: ProfileData, historical: boolean): ProfileFacts {
  const at = historical ? AS_OF : null;
  return {
    traits: new Map(Object.entries(p.traits).map(([name, revs]) => [name, valueAt(revs, at)])),
    identities: new Set(
      p.identities
        .filter((i) => !historical || Date.parse(i.firstSeen) <= AS_OF)
        .map((i) => i.type),
    ),
    events: p.events.map((e): EventFact => ({
      event: e.event,
      at: Date.parse(e.at),
      properties: e.properties,
    })),
  };
}

describe('audience rules: compiled SQL and the in-memory evaluator agree', () => {
  let db: TestSchema;
  let client: Client;
  const traitIds = new Map<string, number>();

  beforeAll(async () => {
    db = await createTestSchema();
    client = await schemaClient(db);
    // Tiny tables with rolled-back rows make estimates large enough for JIT, which then costs
    // more than the query.
    await client.query('SET jit = off');
    const names = [...Object.keys(TRAITS), ...MEMBERSHIPS.map((m) => `audience:${m}`)];
    for (const name of names) {
      const type = name.startsWith('audience:') ? 'boolean' : TRAITS[name as keyof typeof TRAITS];
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO trait_definition (name, type, source_kind, version, schema_version, pii, exposure, spec, origin)
         VALUES ($1, $2, 'api', 1, '1-0-0', false, '{admin}', '{}', 'test') RETURNING id`,
        [name, type],
      );
      traitIds.set(name, rows[0].id);
    }
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  async function load(profiles: { id: string; data: ProfileData }[]): Promise<void> {
    const json = (rows: unknown[]) => JSON.stringify(rows);
    await client.query(
      `INSERT INTO profile (id, created_at, merged_into)
       SELECT id, created_at, CASE WHEN merged THEN gen_random_uuid() END
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, created_at timestamptz, merged boolean)`,
      [
        json(
          profiles.map((p) => ({ id: p.id, created_at: p.data.createdAt, merged: p.data.merged })),
        ),
      ],
    );
    const identities = profiles.flatMap((p) =>
      p.data.identities.map((i) => ({
        type: i.type,
        value: randomUUID(),
        profile_id: p.id,
        first_seen_at: i.firstSeen,
      })),
    );
    await client.query(
      `INSERT INTO identity (type, value, profile_id, source_kind, first_seen_at)
       SELECT type, value, profile_id, 'test', first_seen_at
       FROM jsonb_to_recordset($1::jsonb) AS x(type text, value text, profile_id uuid, first_seen_at timestamptz)`,
      [json(identities)],
    );
    const revisions = profiles.flatMap((p) =>
      Object.entries(p.data.traits).flatMap(([name, revs]) =>
        revs.map((r, i) => ({
          profile_id: p.id,
          trait_id: traitIds.get(name),
          value: r.value,
          valid_from: r.from,
          valid_to: r.to,
          current: i === revs.length - 1,
        })),
      ),
    );
    await client.query(
      `WITH ins AS (
         INSERT INTO trait_revision (profile_id, trait_id, value, valid_from, valid_to, definition_version,
                                     source_kind, identity_type, identity_value, profile_revision)
         SELECT profile_id, trait_id, value, valid_from, valid_to, 1, 'test', 'user_id', 'x', 1
         FROM jsonb_to_recordset($1::jsonb)
           AS x(profile_id uuid, trait_id int, value jsonb, valid_from timestamptz, valid_to timestamptz, current boolean)
         RETURNING id, profile_id, trait_id, value, valid_from, valid_to
       )
       INSERT INTO trait_value (profile_id, trait_id, value, valid_from, last_observed_at, revision_id)
       SELECT ins.profile_id, ins.trait_id, ins.value, ins.valid_from, ins.valid_from, ins.id
       FROM ins JOIN jsonb_to_recordset($1::jsonb) AS x(profile_id uuid, trait_id int, valid_from timestamptz, current boolean)
         ON x.profile_id = ins.profile_id AND x.trait_id = ins.trait_id AND x.valid_from = ins.valid_from
       WHERE x.current`,
      [json(revisions.map((r) => ({ ...r, value: r.value === null ? null : r.value })))],
    );
    const events = profiles.flatMap((p) =>
      p.data.events.map((e, i) => ({
        profile_id: p.id,
        event: e.event,
        ts: e.at,
        properties: e.properties,
        inbox_id: i,
      })),
    );
    await client.query(
      `INSERT INTO events (timestamp, inbox_id, source_id, message_id, type, event, profile_id, identity_type,
                           identity_value, properties, received_at)
       SELECT ts, (random() * 1e12)::bigint, 's', gen_random_uuid()::text, 'track', event, profile_id, 'user_id', 'x',
              properties, ts
       FROM jsonb_to_recordset($1::jsonb) AS x(profile_id uuid, event text, ts timestamptz, properties jsonb)`,
      [json(events)],
    );
  }

  async function sqlMembers(
    rule: Rule,
    historical: boolean,
    scope: string[] | null,
  ): Promise<Set<string>> {
    const params = new SqlParams();
    const target: CompileTarget = {
      asOf: new Date(AS_OF),
      historical,
      scope: scope ? params.add(scope, 'uuid[]') : null,
      traitId: (n) => traitIds.get(n)!,
      membershipTraitId: (s) => traitIds.get(`audience:${s}`)!,
    };
    const predicate = ruleSql(rule, target, params);
    const { rows } = await client.query<{ id: string }>(
      `SELECT p.id FROM profile p WHERE ${universeSql(target, params)} AND ${predicate}`,
      params.values,
    );
    return new Set(rows.map((r) => r.id));
  }

  function expected(
    profiles: { id: string; data: ProfileData }[],
    rule: Rule,
    historical: boolean,
    scope: string[] | null,
  ): Set<string> {
    return new Set(
      profiles
        .filter((p) => !p.data.merged && (!historical || Date.parse(p.data.createdAt) <= AS_OF))
        .filter((p) => !scope || scope.includes(p.id))
        .filter((p) => evaluateRule(rule, factsOf(p.data, historical), new Date(AS_OF)))
        .map((p) => p.id),
    );
  }

  it(`gives the same members for ${RUNS} random rules over random profiles, now and as of a past time`, async () => {
    // Runs where some profiles match and others do not: the test must not be vacuous.
    let mixed = 0;
    await fc.assert(
      fc.asyncProperty(
        ruleArb,
        fc.array(profileArb, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.boolean(),
        async (rule, data, historical, scoped) => {
          // Every generated rule is one the checker accepts (and so the JSON Schema too).
          expect(checkRule(rule, CATALOGUE)).toEqual({ ok: true, rule });
          const profiles = data.map((d) => ({ id: randomUUID(), data: d }));
          const scope = scoped ? profiles.filter((_, i) => i % 2 === 0).map((p) => p.id) : null;
          await client.query('BEGIN');
          try {
            await load(profiles);
            const got = await sqlMembers(rule, historical, scope);
            const want = expected(profiles, rule, historical, scope);
            expect([...got].sort()).toEqual([...want].sort());
            if (want.size > 0 && want.size < profiles.length) mixed += 1;
          } finally {
            await client.query('ROLLBACK');
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(mixed).toBeGreaterThan(RUNS * 0.2);
  });
});
