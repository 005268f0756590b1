import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { TraitWriter } from '../../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { TEST_REDIS_URL } from '../utils/env';
import { HttpSink, validSignature } from '../utils/http-sink';
import { sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';
import { saveDestination } from './destination-helpers';

const USERS = 100;
const ROUNDS = 100; // USERS × ROUNDS = 10,000 changes
const BATCH = 100;
const SECRET_ENV = 'TB_CRASH_HOOK_SECRET';
const SECRET = randomBytes(16).toString('hex');

describe('a destination worker killed during a sync of 10,000 changes', () => {
  let t: TestApp;
  let sink: HttpSink;
  const level = traitSpec({ type: 'number' });

  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    sink = await new HttpSink().start();
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  function startWorker(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '../processes/destination-worker.process.ts')],
      {
        cwd: join(__dirname, '../..'),
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DATABASE_URL: t.db.url,
          DATABASE_SCHEMA: t.db.schema,
          REDIS_URL: TEST_REDIS_URL,
          TRAIT_DEFINITIONS_DIR: `/nonexistent-${t.db.schema}`,
          LOG_LEVEL: 'warn',
          [SECRET_ENV]: SECRET,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
      child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
    });
  }

  it('delivers every record once by delivery id after a SIGKILL, and the ledger matches the sink', async () => {
    const saved = await saveDestination(t, 'crash', {
      name: 'Crash',
      kind: 'webhook',
      url: sink.url,
      secret_env: SECRET_ENV,
      traits: [level.name],
      identities: ['user_id'],
      batch_size: BATCH,
    });
    expect(saved.errors).toBeUndefined();
    let worker = await startWorker();
    const users = Array.from({ length: USERS }, () => ({ type: 'user_id', value: randomUUID() }));
    const writer = t.app.get(TraitWriter);
    for (let round = 1; round <= ROUNDS; round++) {
      await writer.write({
        rows: users.map((identity) => ({ identity, trait: level.name, value: round })),
        provenance: { sourceKind: 'api', sourceRef: {}, runId: null },
      });
      if (round === 30) {
        await waitFor('the sink to receive something', () => sink.records().length > 0);
        worker.kill('SIGKILL');
        await new Promise((r) => worker.once('exit', r));
      }
      if (round === 50) worker = await startWorker();
    }
    const total = USERS * ROUNDS;
    await waitFor('every record at the sink', () => sink.deliveryCounts().size >= total, {
      timeoutMs: 120_000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));

    const counts = sink.deliveryCounts();
    expect(counts.size).toBe(total);
    // Only the batch in flight at the kill can arrive twice, with the same delivery ids.
    const repeated = [...counts.values()].filter((n) => n > 1).length;
    expect(repeated).toBeLessThanOrEqual(BATCH);
    expect(sink.received.every((r) => validSignature(SECRET, r))).toBe(true);
    // Per profile, the values arrive in the order they changed.
    const seen = new Map<string, number>();
    const firsts = new Set<string>();
    for (const r of sink.records()) {
      if (firsts.has(r.deliveryId)) continue;
      firsts.add(r.deliveryId);
      const before = seen.get(r.profileId) ?? 0;
      expect(r.fields[level.name]).toBe(before + 1);
      seen.set(r.profileId, r.fields[level.name]);
    }
    // The ledger holds exactly the delivery ids the sink received, once each.
    const ledger = await sql<{ delivery_id: string }>(
      t,
      'SELECT delivery_id FROM data_flow_ledger',
    );
    expect(ledger.length).toBe(total);
    expect(new Set(ledger.map((l) => l.delivery_id))).toEqual(new Set(counts.keys()));
    process.stdout.write(
      `activation-crash: ${repeated} record(s) received twice (same delivery id)\n`,
    );
  });
});
