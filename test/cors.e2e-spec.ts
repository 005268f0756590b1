import { validateEnv } from '../src/config/env.validation';
import { startTestApp, TestApp } from './utils/test-app';

// CORS_ORIGINS: browsers on the listed origins may call the API; others get no CORS headers.
describe('CORS origins', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ corsOrigins: ['https://game.example'] });
  });
  afterAll(() => t.close());

  const preflight = (origin: string) =>
    fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it('answers a listed origin, and not another', async () => {
    const ok = await preflight('https://game.example');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://game.example');
    expect(ok.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${t.url}/health`, { headers: { origin: 'https://game.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://game.example');
    expect(get.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('rejects a malformed CORS_ORIGINS naming the variable', () => {
    expect(() =>
      validateEnv({ DATABASE_URL: 'postgres://x/y', CORS_ORIGINS: 'game.example' }),
    ).toThrow(/CORS_ORIGINS: must be \* or a comma-separated list of origins/);
  });
});
