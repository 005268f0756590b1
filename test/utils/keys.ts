import { ApiKeysService } from '../../src/api-keys/api-keys.service';
import type { Scope } from '../../src/api-keys/scopes';
import type { TestApp } from './test-app';

// Creates a real API key through the service (hashed in the test schema) and returns the secret.
export async function createKey(t: TestApp, ...scopes: Scope[]): Promise<string> {
  const created = await t.app.get(ApiKeysService).create(`test-${scopes.join('+')}`, scopes);
  return created.key;
}
