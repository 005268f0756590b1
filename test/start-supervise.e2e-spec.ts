import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './utils/wait';

const SUPERVISE = join(__dirname, '../scripts/supervise.js');
const FAST = { timeoutMs: 10_000, everyMs: 50 };
const SOON = { timeoutMs: 5_000, everyMs: 50 };

// `npm start` runs the server under scripts/supervise.js (as scripts/start.js does): a stand-in
// child records the signal it gets and exits with a code of its own.
describe('the npm start supervisor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'traitbase-supervise-'));
    writeFileSync(
      join(dir, 'server.js'),
      `const fs = require('node:fs');
       process.on('SIGTERM', () => { fs.writeFileSync(${JSON.stringify(join(dir, 'got'))}, 'SIGTERM'); process.exit(7); });
       fs.writeFileSync(${JSON.stringify(join(dir, 'ready'))}, String(process.pid));
       setInterval(() => {}, 1000);`,
    );
    writeFileSync(
      join(dir, 'start.js'),
      `require(${JSON.stringify(SUPERVISE)}).supervise(process.execPath, [${JSON.stringify(join(dir, 'server.js'))}]);`,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes SIGTERM on and exits with the server’s code', async () => {
    const start = spawn(process.execPath, [join(dir, 'start.js')], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => start.once('exit', resolve));
    await waitFor('the server to start', () => existsSync(join(dir, 'ready')), FAST);
    start.kill('SIGTERM');
    expect(await exited).toBe(7);
    expect(readFileSync(join(dir, 'got'), 'utf8')).toBe('SIGTERM');
  });

  it('stops the server when it is orphaned (npm start killed: the sh -c between dies, we stay)', async () => {
    // `; true` keeps sh from exec'ing node, as npm's `sh -c` does not.
    const sh = spawn('sh', ['-c', `${process.execPath} ${join(dir, 'start.js')}; true`], {
      stdio: 'ignore',
    });
    await waitFor('the server to start', () => existsSync(join(dir, 'ready')), FAST);
    sh.kill('SIGTERM');
    await waitFor('the server to get SIGTERM', () => existsSync(join(dir, 'got')), SOON);
    expect(readFileSync(join(dir, 'got'), 'utf8')).toBe('SIGTERM');
    const server = Number(readFileSync(join(dir, 'ready'), 'utf8'));
    await waitFor('the server to exit', () => !alive(server), SOON);
  });

  it('stops the server when npm start’s whole process group is sent SIGKILL', async () => {
    // Detached: the stand-in for `npm start` leads a group of its own, as a terminal's job does.
    const start = spawn(process.execPath, [join(dir, 'start.js')], {
      stdio: 'ignore',
      detached: true,
    });
    await waitFor('the server to start', () => existsSync(join(dir, 'ready')), FAST);
    process.kill(-start.pid!, 'SIGKILL');
    await waitFor('the server to get SIGTERM', () => existsSync(join(dir, 'got')), SOON);
    const server = Number(readFileSync(join(dir, 'ready'), 'utf8'));
    await waitFor('the server to exit', () => !alive(server), SOON);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
