import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbtImportService } from '../../src/sources/dbt/import/dbt-import.service';
import { createCustomers, CUSTOMERS_MODEL, customersManifest } from '../fixtures/jaffle-shop';
import { createWarehouse, Warehouse } from './dbt-helpers';
import { gql } from './graphql-request';
import { createKey } from './keys';
import { startTestApp, TestApp } from './test-app';
import { waitFor } from './wait';

// A small game studio written through the public APIs, for the catalogue resolvers and the
// browser tests: a dbt model (jaffle_shop customers, imported from its manifest and synced),
// API-written traits with history, notebook predictions, events good and bad, a refused merge.
export interface UiWorld {
  t: TestApp;
  keys: { admin: string; read: string; pii: string; ingest: string };
  // user_id of the player whose values changed on CHANGED_AT (and who has a PII value).
  player: string;
  phone: string;
  close: () => Promise<void>;
}

export const FIRST_WRITE_AT = '2025-01-01T10:00:00.000Z';
export const CHANGED_AT = '2025-02-01T10:00:00.000Z';
export const NOTEBOOK = 'notebooks/churn_risk.ipynb';
export const MODEL_VERSION = 'churn-2025.01';

const DEFINITIONS: Record<string, string> = {
  'game.yaml': `
source: { kind: api }
traits:
  - { name: vip_tier, type: category, values: [bronze, silver, gold], owner: live-ops, description: Loyalty tier }
  - { name: coins, type: number, owner: game-backend, description: Coins held, freshness: 1d }
  - { name: contact_phone, type: string, pii: true, owner: support, description: Phone for support calls }
`,
  'churn.yaml': `
source:
  kind: notebook
  notebook: ${NOTEBOOK}
  output: { format: csv, identity: { column: user_id, type: user_id } }
traits:
  - { name: churn_risk, column: score, type: number, owner: data-science, freshness: 2d, description: Probability of churn }
`,
  'events/order_completed.yaml': `
event: Order Completed
owner: checkout
expected: { min: 1, per: 1h }
versions:
  1-0-0:
    type: object
    required: [order_id, total]
    properties:
      order_id: { type: string, minLength: 1 }
      total: { type: number, minimum: 0 }
`,
  'audiences/gold_players.yaml': `
name: Gold players
description: Players at the gold tier
owner: live-ops
rule: { trait: vip_tier, op: eq, value: gold }
`,
  'events/session_started.yaml': `
event: Session Started
owner: game-client
expected: { min: 5, per: 1h }
versions:
  1-0-0: { type: object }
`,
};

function writeDefinitions(): string {
  const dir = mkdtempSync(join(tmpdir(), 'traitbase-ui-defs-'));
  for (const [file, text] of Object.entries(DEFINITIONS)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text.trimStart());
  }
  return dir;
}

async function must(what: string, pending: ReturnType<typeof gql>) {
  const res = await pending;
  if (res.errors) throw new Error(`${what}: ${JSON.stringify(res.errors)}`);
  return res.data as Record<string, any>;
}

async function syncCustomers(t: TestApp, wh: Warehouse): Promise<void> {
  await createCustomers(wh);
  await t.app.get(DbtImportService).import(customersManifest(wh));
  await must(
    'trigger',
    gql(
      t.url,
      `mutation { triggerDbtSync(model: "${CUSTOMERS_MODEL}") { jobId } }`,
      {},
      t.adminKey,
    ),
  );
  await waitFor('the customers sync', async () => {
    const data = await must(
      'runs',
      gql(t.url, `{ runs(sourceKind: "dbt") { status } }`, {}, t.adminKey),
    );
    return data.runs.some((r: { status: string }) => r.status === 'succeeded');
  });
}

const WRITE = `mutation($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted rejected { reason } } }`;
const RECORD = `mutation($rows: [PredictionRowInput!]!) {
  recordPredictions(trait: "churn_risk", modelVersion: "${MODEL_VERSION}", runId: "nb-2025-01", rows: $rows) { rows }
}`;

async function writeTraits(t: TestApp, key: string, player: string, phone: string): Promise<void> {
  const tiers = ['bronze', 'silver', 'gold'];
  const first = Array.from({ length: 12 }, (_, i) => [
    {
      identity: { type: 'user_id', value: String(i + 1) },
      trait: 'vip_tier',
      value: tiers[i % 3],
      observedAt: FIRST_WRITE_AT,
    },
    {
      identity: { type: 'user_id', value: String(i + 1) },
      trait: 'coins',
      value: (i + 1) * 40,
      observedAt: FIRST_WRITE_AT,
    },
  ]).flat();
  first.push({
    identity: { type: 'user_id', value: player },
    trait: 'contact_phone',
    value: phone,
    observedAt: FIRST_WRITE_AT,
  });
  await must('first writes', gql(t.url, WRITE, { input: { rows: first } }, key));
  const later = [
    {
      identity: { type: 'user_id', value: player },
      trait: 'vip_tier',
      value: 'gold',
      observedAt: CHANGED_AT,
    },
    {
      identity: { type: 'user_id', value: player },
      trait: 'coins',
      value: 990,
      observedAt: CHANGED_AT,
    },
  ];
  await must('later writes', gql(t.url, WRITE, { input: { rows: later } }, key));
  const rows = Array.from({ length: 12 }, (_, i) => ({
    identity: String(i + 1),
    value: Math.round(((i * 7) % 10) * 10) / 100,
  }));
  await must('predictions', gql(t.url, RECORD, { rows }, key));
}

async function sendEvents(t: TestApp, key: string): Promise<void> {
  const at = new Date().toISOString();
  const batch = [
    {
      type: 'track',
      event: 'Order Completed',
      userId: '1',
      properties: { order_id: 'o-1', total: 12.5 },
    },
    {
      type: 'track',
      event: 'Order Completed',
      userId: '2',
      properties: { order_id: 'o-2', total: 'ten' },
    },
    {
      type: 'track',
      event: 'Order Completed',
      userId: '3',
      properties: { order_id: 'o-3', total: 'nine' },
    },
    { type: 'track', event: 'Order Completed', userId: '4', properties: { total: 3 } },
    { type: 'identify', userId: 'ui-a', anonymousId: 'anon-shared' },
  ].map((m, i) => ({ ...m, messageId: `ui-${i}-${Date.now()}`, timestamp: at }));
  const post = (messages: unknown[]) =>
    fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ batch: messages }),
    });
  await post(batch);
  // Only after the first identify is applied does the second one meet merge protection.
  await waitFor('the first identify', async () => {
    const data = await must(
      'profile',
      gql(
        t.url,
        `{ profile(identity: {type: "anonymous_id", value: "anon-shared"}) { id } }`,
        {},
        t.adminKey,
      ),
    );
    return data.profile !== null;
  });
  await post([
    {
      type: 'identify',
      userId: 'ui-b',
      anonymousId: 'anon-shared',
      messageId: `ui-b-${Date.now()}`,
      timestamp: at,
    },
  ]);
  await waitFor('a merge-protection violation', async () => {
    const data = await must(
      'violations',
      gql(t.url, `{ identityViolations { kind } }`, {}, t.adminKey),
    );
    return data.identityViolations.length > 0;
  });
}

export async function startUiWorld(): Promise<UiWorld> {
  const defs = writeDefinitions();
  const t = await startTestApp({ traitDefinitionsDir: defs });
  const wh = await createWarehouse();
  const keys = {
    admin: await createKey(t, 'admin'),
    read: await createKey(t, 'profile:read'),
    pii: await createKey(t, 'profile:read:pii'),
    ingest: await createKey(t, 'ingest', 'traits:write'),
  };
  const player = '1';
  const phone = '+855 12 345 678';
  await syncCustomers(t, wh);
  await writeTraits(t, keys.ingest, player, phone);
  await sendEvents(t, keys.ingest);
  return {
    t,
    keys,
    player,
    phone,
    close: async () => {
      await t.close();
      await wh.close();
      rmSync(defs, { recursive: true, force: true });
    },
  };
}
