import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ApiKeysService } from '../api-keys/api-keys.service';

// The demo's two keys: the game client's (sends events, reads profiles without PII) and an
// operator's (admin: the UI, runs, dbt notifications). Their secrets are kept in a file of the
// demo's own (mode 600, beside the embedded database's files) so a re-run prints the same keys
// instead of minting new ones; a key that was revoked or belongs to another database is replaced.
export interface DemoKeys {
  game: string;
  admin: string;
}

const WANTED: Record<keyof DemoKeys, { name: string; scopes: string[] }> = {
  game: { name: 'demo-game-client', scopes: ['ingest', 'profile:read'] },
  admin: { name: 'demo-operator', scopes: ['admin'] },
};

export async function demoKeys(
  file: string,
  keys: ApiKeysService,
): Promise<{ keys: DemoKeys; created: string[] }> {
  const stored = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as Partial<DemoKeys>)
    : {};
  const out: Partial<DemoKeys> = {};
  const created: string[] = [];
  for (const role of Object.keys(WANTED) as (keyof DemoKeys)[]) {
    const known = stored[role];
    if (known && (await keys.authenticate(known))) {
      out[role] = known;
      continue;
    }
    out[role] = (await keys.create(WANTED[role].name, WANTED[role].scopes)).key;
    created.push(WANTED[role].name);
  }
  if (created.length > 0) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return { keys: out as DemoKeys, created };
}
