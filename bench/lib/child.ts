import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { serviceHeapFlags } from './heap-flags';
import { vmHwmKb } from './proc-status';

const RESULT_PREFIX = 'BENCH_RESULT ';
const ARGS_ENV = 'BENCH_CHILD_ARGS';
const REPO_ROOT = join(__dirname, '../..');

export interface ChildReport {
  // Peak RSS of the child process itself (VmHWM), so one measurement's memory is not mixed with another's.
  vmHwmKb: number | null;
}

// Runs a bench script (TypeScript, via @swc-node/register) in its own Node process and returns the
// result it reported. Its other output goes to our stderr, so stdout stays one JSON line per figure.
export function runChild<A, R>(script: string, args: A): Promise<R & ChildReport> {
  return new Promise((resolve, reject) => {
    // With the heap limit the service runs with (scripts/heap.js), so memory is measured as shipped.
    // --expose-gc: a probe collects the garbage its setup left before it starts timing (settleHeap).
    const node = [
      ...serviceHeapFlags(process.env),
      '--expose-gc',
      '-r',
      '@swc-node/register',
      join(REPO_ROOT, script),
    ];
    const child = spawn(process.execPath, node, {
      cwd: REPO_ROOT,
      env: { ...process.env, [ARGS_ENV]: JSON.stringify(args) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let result: (R & ChildReport) | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) result = JSON.parse(line.slice(RESULT_PREFIX.length));
        else process.stderr.write(`${line}\n`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && result) resolve(result);
      else
        reject(new Error(`${script} exited with code ${code}${result ? '' : ' without a result'}`));
    });
  });
}

export function childArgs<A>(): A {
  const raw = process.env[ARGS_ENV];
  if (!raw) throw new Error(`${ARGS_ENV}: not set; this script is started by a bench figure`);
  return JSON.parse(raw) as A;
}

// Child side: runs main, reports its result with this process's peak RSS, exits.
export function runAsChild<R extends object>(main: () => Promise<R>): void {
  main()
    .then((result) => {
      const report: R & ChildReport = { ...result, vmHwmKb: vmHwmKb() ?? null };
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(report)}\n`, () => process.exit(0));
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}

// Before a latency probe: collect what loading left on the heap, so a collection of it does not land
// inside the timed calls (it put 15 ms into the p99 of a 0.5 ms primary-key lookup). Needs --expose-gc.
export function settleHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('settleHeap: the child runs without --expose-gc');
  gc();
  gc();
}
