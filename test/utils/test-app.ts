import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createApp } from '../../src/bootstrap';
import { AppConfig } from '../../src/config/configuration';
import { TEST_REDIS_URL } from './env';
import { createTestSchema, TestSchema } from './test-schema';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  adminKey: string;
  db: TestSchema;
  config: AppConfig;
  close: () => Promise<void>;
}

// Boots the real application (real Postgres schema, real Redis, real HTTP on a random port).
export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const db = await createTestSchema();
  const adminKey = `admin_${randomBytes(16).toString('hex')}`;
  const config: AppConfig = {
    databaseUrl: db.url,
    databaseSchema: db.schema,
    redisUrl: TEST_REDIS_URL,
    warehouseUrl: db.url,
    port: 0,
    traitDefinitionsDir: overrides.traitDefinitionsDir ?? `/nonexistent-${db.schema}`,
    adminKey,
    notebookPython: '/usr/bin/python3',
    role: 'all',
    apiKeyCacheMs: 0,
    introspection: true,
    feedRetentionSeconds: 7 * 86_400,
    ledgerRetentionSeconds: 365 * 86_400,
    ...overrides,
  };
  const app = await createApp(config, 'warn');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    adminKey,
    db,
    config,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

const REPO = resolve(__dirname, '../..');

// A folder of the repository that holds no definitions (tests insert their own), so notebook
// paths such as test/fixtures/notebooks/… resolve against the repository root.
export function repoDefinitionsDir(): string {
  return join(REPO, `no-definitions-${randomBytes(4).toString('hex')}`);
}

export function startRepoTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  return startTestApp({ traitDefinitionsDir: repoDefinitionsDir(), ...overrides });
}
