import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { eraseJobId, ERASURE_QUEUE } from '../../src/erasure/erasure.queue';
import { queuePrefix } from '../../src/queue/queue.module';
import { insertTraitDefinitions, traitSpec } from '../factories/trait-definition.factory';
import { TEST_REDIS_URL } from '../utils/env';
import { gql } from '../utils/graphql-request';
import { createKey } from '../utils/keys';
import { columnsHolding } from '../utils/person-search';
import { ServerProcess, startWorkerProcess } from '../utils/server-process';
import { count, sql } from '../utils/sql';
import { startTestApp, TestApp } from '../utils/test-app';
import { waitFor } from '../utils/wait';

// Events of the person erased mid-way: enough that deleting them outlasts the kill.
const EVENTS = Number(process.env.ERASURE_CRASH_EVENTS ?? 200_000);

jest.setTimeout(240_000);

const WRITE = `mutation W($input: WriteTraitsInput!) { writeTraits(input: $input) { accepted } }`;
const ERASE = `mutation E($id: IdentityInput!) { eraseProfile(identity: $id) { id status } }`;
const STATUS = `query S($id: ID!) { erasure(id: $id) { id status counts finishedAt } }`;

describe('erasure: durable on the job queue', () => {
  let t: TestApp;
  let writer: string;
  let worker: ServerProcess | undefined;
  let queue: Queue;
  const level = traitSpec({ type: 'number' });

  const startWorker = () => startWorkerProcess(t.db);

  const ask = async (query: string, variables: Record<string, unknown>, key = t.adminKey) => {
    const res = await gql<any>(t.url, query, variables, key);
    expect(res.errors).toBeUndefined();
    return res.data;
  };

  // A person with a user id and an email on one profile; returns its identifiers and profile id.
  async function person(): Promise<{ userId: string; email: string; profileId: string }> {
    const userId = `player-${randomUUID()}`;
    const email = `crash.${randomUUID().slice(0, 8)}@example.com`;
    const rows = [
      { identity: { type: 'user_id', value: userId }, trait: level.name, value: 1 },
      { identity: { type: 'email', value: email }, trait: level.name, value: 2 },
    ];
    expect((await ask(WRITE, { input: { rows } }, writer)).writeTraits.accepted).toBe(2);
    await ask(
      `mutation M($into: IdentityInput!, $from: IdentityInput!) { mergeProfiles(into: $into, from: $from) { profileId } }`,
      { into: rows[0].identity, from: rows[1].identity },
    );
    const [row] = await sql<{ profile_id: string }>(
      t,
      `SELECT profile_id FROM identity WHERE type = 'user_id' AND value = $1`,
      [userId],
    );
    return { userId, email, profileId: row.profile_id };
  }

  const statusOf = async (id: string) => (await ask(STATUS, { id })).erasure;
  const waitDone = (id: string) =>
    waitFor(
      `erasure ${id} to finish`,
      async () => {
        const s = await statusOf(id);
        if (s.status === 'failed') throw new Error(`erasure ${id} failed`);
        return s.status === 'done' ? s : undefined;
      },
      { timeoutMs: 180_000 },
    );

  // Whether a transaction holds the profile's row lock (an erasure in progress).
  async function locked(profileId: string): Promise<boolean> {
    try {
      await sql(t, `SELECT id FROM profile WHERE id = $1 FOR UPDATE NOWAIT`, [profileId]);
      return false;
    } catch (err) {
      if ((err as { code?: string }).code === '55P03') return true;
      throw err;
    }
  }

  async function expectErasedOnce(requestId: string, who: { userId: string; email: string }) {
    expect(await columnsHolding(t, [who.userId, who.email])).toEqual([]);
    const lookup = await ask(`query P($id: IdentityInput!) { profile(identity: $id) { id } }`, {
      id: { type: 'user_id', value: who.userId },
    });
    expect(lookup.profile).toBeNull();
    // One `erase` change and one audit row for the request, however often its job ran.
    expect(
      await count(
        t,
        `SELECT count(*) AS n FROM change_feed WHERE kind = 'erase' AND provenance->'sourceRef'->>'requestId' = $1`,
        [requestId],
      ),
    ).toBe(1);
    const audit = await sql<{ status: string; profile_id: string | null }>(
      t,
      `SELECT status, profile_id FROM erasure_request WHERE id = $1`,
      [requestId],
    );
    expect(audit).toEqual([{ status: 'done', profile_id: null }]);
  }

  beforeAll(async () => {
    // This process serves the API only: every erasure runs in a worker child.
    t = await startTestApp({ role: 'api' });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
    writer = await createKey(t, 'traits:write');
    queue = new Queue(ERASURE_QUEUE, {
      connection: { url: TEST_REDIS_URL },
      prefix: queuePrefix(t.config),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await queue?.close();
    await t?.close();
  });

  it('completes an erasure whose worker was killed (SIGKILL) mid-way, once', async () => {
    const who = await person();
    const other = await person();
    // The person's events (in the default partition), and one of someone else's that stays.
    await sql(
      t,
      `INSERT INTO events (timestamp, inbox_id, source_id, message_id, type, event, profile_id, identity_type, identity_value, user_id, properties, received_at)
       SELECT timestamp '2001-01-01' + i * interval '1 second', i, 'test', 'm-' || i, 'track', 'Played', $1, 'user_id', $2, $2,
              jsonb_build_object('level', i, 'note', repeat('x', 200)), now()
       FROM generate_series(1, $3::int) i`,
      [who.profileId, who.userId, EVENTS],
    );
    await sql(
      t,
      `INSERT INTO events (timestamp, inbox_id, source_id, message_id, type, event, profile_id, identity_type, identity_value, user_id, received_at)
       VALUES (now(), 0, 'test', 'other', 'track', 'Played', $1, 'user_id', $2, $2, now())`,
      [other.profileId, other.userId],
    );

    worker = await startWorker();
    const started = (await ask(ERASE, { id: { type: 'user_id', value: who.userId } })).eraseProfile;
    expect(started.status).toBe('running');

    // Kill the worker while its erasure transaction holds the person.
    await waitFor('the erasure to start', () => locked(who.profileId), { everyMs: 10 });
    worker.child.kill('SIGKILL');
    await worker.exited;
    worker = undefined;

    // Its transaction rolls back: nothing is half-erased, the request is still running.
    await waitFor('the killed transaction to end', async () => !(await locked(who.profileId)));
    expect((await statusOf(started.id)).status).toBe('running');
    expect(
      await count(t, `SELECT count(*) AS n FROM events WHERE profile_id = $1`, [who.profileId]),
    ).toBe(EVENTS);

    // Another worker picks the stalled job up and completes it.
    worker = await startWorker();
    const done = await waitDone(started.id);
    expect(done.counts.events).toBe(EVENTS);
    expect(done.counts.identity).toBe(2);
    await expectErasedOnce(started.id, who);
    expect(await count(t, `SELECT count(*) AS n FROM events`)).toBe(1);
    expect(await count(t, `SELECT count(*) AS n FROM erasure_request WHERE status = 'done'`)).toBe(
      1,
    );

    // The job ran to completion once more (as after a crash between commit and acknowledgement):
    // nothing is recorded twice.
    const job = await queue.getJob(eraseJobId(started.id));
    await job!.retry('completed');
    await waitFor('the repeated job to complete', async () =>
      (await job!.getState()) === 'completed' ? true : undefined,
    );
    await expectErasedOnce(started.id, who);
    await worker.stop();
    worker = undefined;
  });

  it('completes erasures requested while no worker runs, even one whose job was lost', async () => {
    const queued = await person();
    const lost = await person();
    const first = (await ask(ERASE, { id: { type: 'user_id', value: queued.userId } }))
      .eraseProfile;
    const second = (await ask(ERASE, { id: { type: 'email', value: lost.email } })).eraseProfile;
    expect(first.status).toBe('running');
    expect(second.status).toBe('running');

    // The second's job is lost (as when Redis restarts empty); the request row remains.
    const job = await waitFor('the job to be queued', () => queue.getJob(eraseJobId(second.id)));
    await job.remove();
    expect(await queue.getJob(eraseJobId(second.id))).toBeUndefined();
    expect((await statusOf(first.id)).status).toBe('running');

    // A worker starts: it runs the queued job, and its sweep queues the lost one again.
    worker = await startWorker();
    await waitDone(first.id);
    await waitDone(second.id);
    await expectErasedOnce(first.id, queued);
    await expectErasedOnce(second.id, lost);
  });
});
