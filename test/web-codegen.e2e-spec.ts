import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

// The UI's operation types (web/src/gql/) are generated from the committed schema.gql and
// committed too: they must be exactly what `npm run codegen` writes now (its --check mode
// generates in memory and names stale files).
describe('web/src/gql', () => {
  it('is what npm run codegen generates from schema.gql and the operations in web/src', () => {
    const check = spawnSync('npx', ['graphql-codegen', '--config', 'web/codegen.ts', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const stale = /stale files were detected:[\s\S]*/.exec(check.stdout + check.stderr)?.[0];
    expect({ status: check.status, stale }).toEqual({ status: 0, stale: undefined });
  });
});
