import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase } from './lib/bench-db';
import type { FigureResult } from './lib/figure';
import { machineInfo } from './lib/machine';
import { FigureFailure, FigureRun, renderResults } from './lib/results-md';
import { benchScale } from './lib/scale';

// `npm run bench [-- figure…]`: runs every bench/<figure>.ts (or the ones named), one after the
// other so they never compete for the 2 cores. Each figure's JSON line is kept in
// bench/results/<figure>.json with the machine it ran on; bench/RESULTS.md is rewritten from all
// of them, so running one figure does not erase the others.
// Only full-size runs (BENCH_SCALE=1) are results: smaller ones go to a scratch folder unless
// BENCH_RESULTS_FILE / BENCH_RUNS_DIR say otherwise.
const BENCH_DIR = __dirname;
const SCRATCH_DIR = join(tmpdir(), `traitbase-bench-scale-${benchScale()}`);
const OUT_DIR = benchScale() === 1 ? BENCH_DIR : SCRATCH_DIR;
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE ?? join(OUT_DIR, 'RESULTS.md');
const RUNS_DIR = process.env.BENCH_RUNS_DIR ?? join(OUT_DIR, 'results');

function savedRuns(): FigureRun[] {
  if (!existsSync(RUNS_DIR)) return [];
  return readdirSync(RUNS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(RUNS_DIR, f), 'utf8')) as FigureRun);
}

function figureScripts(only: string[]): string[] {
  const all = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  const unknown = only.filter((f) => !all.includes(f));
  if (unknown.length > 0)
    throw new Error(`unknown figure(s) ${unknown.join(', ')}; known: ${all.join(', ')}`);
  return only.length > 0 ? only : all;
}

function runFigure(name: string): Promise<FigureResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(BENCH_DIR, `${name}.ts`)],
      {
        cwd: join(BENCH_DIR, '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`exited with code ${code}`));
      try {
        resolve(JSON.parse(line) as FigureResult);
      } catch {
        reject(new Error(`did not print one JSON line: ${line.slice(0, 200)}`));
      }
    });
  });
}

async function main(): Promise<void> {
  const scale = benchScale();
  await createBenchDatabase();
  const machine = await machineInfo();
  const failures: FigureFailure[] = [];
  mkdirSync(RUNS_DIR, { recursive: true });
  const names = figureScripts(process.argv.slice(2));
  const previous = new Map(savedRuns().map((r) => [r.result.figure, r.seconds]));
  const known = names.map((n) => previous.get(n)).filter((s): s is number => s !== undefined);
  if (known.length > 0)
    process.stderr.write(
      `[bench] ${names.length} figure(s); their last runs here took ${Math.round(known.reduce((a, b) => a + b, 0) / 60)} min` +
        `${known.length < names.length ? ` (${names.length - known.length} not timed yet)` : ''}\n`,
    );
  for (const name of names) {
    const started = Date.now();
    const last = previous.get(name);
    process.stderr.write(
      `[bench] ${name} (BENCH_SCALE=${scale}${last === undefined ? '' : `, last run ${Math.round(last)} s`})\n`,
    );
    try {
      const result = await runFigure(name);
      const run: FigureRun = { machine, result, seconds: (Date.now() - started) / 1000 };
      writeFileSync(join(RUNS_DIR, `${name}.json`), `${JSON.stringify(run, null, 2)}\n`);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } catch (err) {
      failures.push({ figure: name, error: err instanceof Error ? err.message : String(err) });
    }
    process.stderr.write(`[bench] ${name} took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  writeFileSync(RESULTS_FILE, renderResults(savedRuns(), failures));
  process.stderr.write(`[bench] wrote ${RESULTS_FILE}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
