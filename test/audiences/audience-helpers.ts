import { randomUUID } from 'node:crypto';
import { TraitWriter } from '../../src/traits/trait-writer.service';
import { gql } from '../utils/graphql-request';
import { sql } from '../utils/sql';
import type { TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

export const SAVE = `mutation S($input: SaveAudienceInput!) {
  saveAudience(input: $input) { id slug version trait size readOnly }
}`;

export const PREVIEW = `query P($rule: JSON!, $asOf: DateTime) {
  audiencePreview(rule: $rule, asOf: $asOf) { asOf size groups { pointer size } sample { profileId traits } }
}`;

export const api = { sourceKind: 'api', sourceRef: { keyId: 'tests' }, runId: null };

export const user = () => ({ type: 'user_id', value: randomUUID() });

// A GraphQL call whose answer the tests read loosely (data and errors alike).
export function ask(
  t: TestApp,
  query: string,
  variables: Record<string, unknown>,
  key: string,
): Promise<any> {
  return gql(t.url, query, variables, key);
}

export function save(t: TestApp, key: string, input: Record<string, unknown>): Promise<any> {
  return ask(t, SAVE, { input }, key);
}

// Writes trait values through the one write path (source kind api); the profile id.
export async function writeTraits(
  t: TestApp,
  identity: { type: string; value: string },
  values: Record<string, unknown>,
  observedAt?: Date,
): Promise<string> {
  const res = await t.app.get(TraitWriter).write({
    rows: Object.entries(values).map(([trait, value]) => ({ identity, trait, value, observedAt })),
    provenance: api,
  });
  if (res.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(res.rejected)}`);
  const [row] = await sql<{ profile_id: string }>(
    t,
    'SELECT profile_id FROM identity WHERE type = $1 AND value = $2',
    [identity.type, identity.value],
  );
  return row.profile_id;
}

// The current membership value of a profile (null: never evaluated into the audience).
export async function membership(
  t: TestApp,
  slug: string,
  profileId: string,
): Promise<boolean | null> {
  const [row] = await sql<{ value: boolean | null }>(
    t,
    `SELECT x.value FROM trait_value x JOIN trait_definition d ON d.id = x.trait_id
     WHERE d.name = $1 AND x.profile_id = $2`,
    [`audience:${slug}`, profileId],
  );
  return row ? row.value : null;
}

export async function membershipRevisions(t: TestApp, slug: string, profileId: string) {
  return sql<{
    value: boolean;
    valid_from: Date;
    source_ref: any;
    run_id: string;
    definition_version: number;
  }>(
    t,
    `SELECT r.value, r.valid_from, r.source_ref, r.run_id, r.definition_version FROM trait_revision r
     JOIN trait_definition d ON d.id = r.trait_id WHERE d.name = $1 AND r.profile_id = $2 ORDER BY r.valid_from`,
    [`audience:${slug}`, profileId],
  );
}

export async function fullRuns(t: TestApp, slug: string) {
  return sql<{
    id: string;
    status: string;
    metadata: any;
    started_at: Date;
    finished_at: Date | null;
  }>(
    t,
    `SELECT id, status, metadata, started_at, finished_at FROM run
     WHERE source_kind = 'audience' AND source = $1 AND metadata->>'mode' = 'full' ORDER BY started_at`,
    [slug],
  );
}

// Waits for the n-th full evaluation of an audience to finish.
export async function waitForFullRuns(t: TestApp, slug: string, n = 1, timeoutMs = 30_000) {
  return waitFor(
    `${n} full evaluation(s) of ${slug}`,
    async () => {
      const runs = await fullRuns(t, slug);
      const done = runs.filter((r) => r.status !== 'running');
      return done.length >= n ? done : undefined;
    },
    { timeoutMs, everyMs: 50 },
  );
}

// For each membership change of the profile on the change feed, the milliseconds from the last
// change of `cause` (a trait or event name) committed before it: how long the flip took.
export async function flipDelays(
  t: TestApp,
  slug: string,
  profileId: string,
  cause: string,
): Promise<number[]> {
  const rows = await sql<{ name: string; at: Date }>(
    t,
    `SELECT name, at FROM change_feed WHERE profile_id = $1 AND name IN ($2, $3) ORDER BY position`,
    [profileId, cause, `audience:${slug}`],
  );
  const delays: number[] = [];
  let causedAt: Date | undefined;
  for (const r of rows) {
    if (r.name === cause) causedAt = r.at;
    else if (causedAt) delays.push(r.at.getTime() - causedAt.getTime());
  }
  return delays;
}
