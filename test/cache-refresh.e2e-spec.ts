import { getRepositoryToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { Repository } from 'typeorm';
import { ApiKeyEntity } from '../src/api-keys/api-key.entity';
import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { MAX_AGE_MS, ProfileCache } from '../src/profiles/cache/profile-cache.service';
import { TraitRegistry } from '../src/trait-definitions/trait-registry.service';
import type { CurrentProfile } from '../src/traits/stored-value';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { createKey } from './utils/keys';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

const KEY_CACHE_MS = 5_000;

// Polls on the real clock (Date.now is moved by the tests), at most ~10 s.
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

// What the in-process caches of the read path do when their entries age: an entry in use is
// loaded again ahead of its expiry while it still answers, so no read waits for the load, and it
// is never served after it expired (src/common/cache/refresh-ahead.ts). Time is moved through
// Date.now, which is what the caches read.
describe('caches refreshed ahead of expiry', () => {
  let t: TestApp;
  let now: number;
  let clock: jest.SpyInstance<number, []>;

  beforeAll(async () => {
    t = await startTestApp({ apiKeyCacheMs: KEY_CACHE_MS });
  });
  afterAll(() => t.close());

  beforeEach(() => {
    now = Date.now();
    clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => clock.mockRestore());

  describe('API keys', () => {
    let findOne: jest.SpyInstance;

    beforeEach(() => {
      const repo = t.app.get<Repository<ApiKeyEntity>>(getRepositoryToken(ApiKeyEntity));
      findOne = jest.spyOn(repo, 'findOne');
    });
    afterEach(() => findOne.mockRestore());

    it('looks a key up once for all the requests that ask at the same time', async () => {
      const key = await createKey(t, 'profile:read');
      const keys = t.app.get(ApiKeysService);
      const answers = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(key)));
      expect(findOne).toHaveBeenCalledTimes(1);
      expect(new Set(answers.map((p) => p?.keyId)).size).toBe(1);
      expect(answers[0]?.scopes).toEqual(['profile:read']);
    });

    it('refreshes a key in use before it expires, and a revocation still applies within API_KEY_CACHE_MS', async () => {
      const key = await createKey(t, 'profile:read');
      const keys = t.app.get(ApiKeysService);
      const start = now;
      const principal = await keys.authenticate(key);
      expect(findOne).toHaveBeenCalledTimes(1);

      // In the last fifth of its time: answered from the cache at once, looked up meanwhile.
      now = start + KEY_CACHE_MS * 0.9;
      expect(await keys.authenticate(key)).toEqual(principal);
      expect(findOne).toHaveBeenCalledTimes(2);
      await findOne.mock.results[1].value;
      await new Promise((r) => setImmediate(r));

      // Past the first entry's time, the refreshed one answers: no request waits for a lookup.
      now = start + KEY_CACHE_MS * 1.5;
      expect(await keys.authenticate(key)).toEqual(principal);
      expect(findOne).toHaveBeenCalledTimes(2);

      // Revoked by another process: refused once the refreshed entry's time is over.
      await sql(t, `UPDATE api_key SET revoked_at = now() WHERE id = $1`, [principal!.keyId]);
      now = start + KEY_CACHE_MS * 0.9 + KEY_CACHE_MS + 1;
      expect(await keys.authenticate(key)).toBeNull();
    });
  });

  describe('profile cache', () => {
    it('reloads a profile read every second ahead of its expiry; no read waits for a load', async () => {
      const cache = t.app.get(ProfileCache);
      const identity = randomUUID();
      const profileId = randomUUID();
      const start = now;
      let loads = 0;
      const loadedAt: number[] = [];
      const load = (): Promise<CurrentProfile> => {
        loads += 1;
        loadedAt.push(now);
        return Promise.resolve({ id: profileId, revision: loads, values: [] });
      };
      const waited: number[] = [];
      for (let s = 0; s <= 90; s++) {
        now = start + s * 1000;
        const before = loads;
        const got = await cache.current('user_id', identity, load);
        // A read answered by a load of its own made that load inside the call, at this instant,
        // and returns its revision.
        if (s > 0 && got!.revision === loads && loads > before && loadedAt[loads - 1] === now)
          waited.push(s);
        await new Promise((r) => setImmediate(r));
      }
      expect(waited).toEqual([]);
      // Every entry lives 75–100% of MAX_AGE_MS and is reloaded in its last fifth.
      const perRefresh = { min: MAX_AGE_MS * 0.75 - MAX_AGE_MS * 0.2, max: MAX_AGE_MS };
      expect(loads).toBeGreaterThanOrEqual(1 + Math.floor(90_000 / perRefresh.max));
      expect(loads).toBeLessThanOrEqual(1 + Math.ceil(90_000 / perRefresh.min));
    });
  });

  describe('trait definitions', () => {
    it('reloads definitions in use in the background before they are MAX_AGE_MS old', async () => {
      const registry = t.app.get(TraitRegistry);
      registry.invalidate();
      const start = now;
      await registry.all();
      // Applied by another process.
      const added = traitSpec({ type: 'number' });
      await insertTraitDefinitions(t.db.url, t.db.schema, [added]);
      // Within its age: answered from memory, no reload.
      now = start + 5_000;
      expect((await registry.all()).map((d) => d.name)).not.toContain(added.name);
      // In the last fifth of its age: still answered at once from memory, reloaded meanwhile.
      now = start + 9_000;
      expect((await registry.all()).map((d) => d.name)).not.toContain(added.name);
      await eventually('the background reload', async () =>
        (await registry.all()).some((d) => d.name === added.name) ? true : undefined,
      );
    });
  });
});
