import { DataSource } from 'typeorm';
import { isTransient } from '../src/events/transient-error';
import { TEST_DATABASE_URL } from './utils/env';

// A connection killed mid-batch must read as transient (retry the batch), not as a bad message
// (apply it row by row): whatever TypeORM throws on the dead connection, first and afterwards.
describe('a connection killed under a query runner', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: TEST_DATABASE_URL }).initialize();
  });
  afterAll(() => db.destroy());

  it('fails as transient, including TypeORM’s QueryRunnerAlreadyReleasedError', async () => {
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    const first = await runner.query('SELECT 1').catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the error event releases the runner
    const later = await runner.query('SELECT 1').catch((err: unknown) => err);
    await runner.release().catch(() => undefined);
    expect(first).toBeInstanceOf(Error);
    expect(isTransient(first)).toBe(true);
    expect((later as Error).name).toBe('QueryRunnerAlreadyReleasedError');
    expect(isTransient(later)).toBe(true);
  });

  it('keeps a bad statement non-transient', async () => {
    const err = await db.query('SELECT 1/0').catch((e: unknown) => e);
    expect(isTransient(err)).toBe(false);
  });
});
