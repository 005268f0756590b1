import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessGroups } from './process-tree';

export interface ExecuteRequest {
  python: string;
  // The prepared copy (parameters injected) inside workdir.
  inputPath: string;
  workdir: string;
  timeoutMs: number;
}

export interface ExecuteResult {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  // Killed because the worker is shutting down.
  aborted: boolean;
  stderrTail: string;
  executedPath: string;
  processGroups: number[];
  durationMs: number;
}

const KERNEL_NAME = 'traitbase';
const TAIL_BYTES = 16_384;
const TRACK_EVERY_MS = 500;

// Only what Python and Jupyter need: the service's own secrets (database and admin keys) stay out.
function childEnv(workdir: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  return {
    ...env,
    JUPYTER_PATH: join(workdir, 'jupyter'),
    JUPYTER_CONFIG_DIR: join(workdir, 'jupyter-config'),
    JUPYTER_RUNTIME_DIR: join(workdir, 'jupyter-runtime'),
    IPYTHONDIR: join(workdir, 'ipython'),
    MPLCONFIGDIR: join(workdir, 'matplotlib'),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    PYTHONUNBUFFERED: '1',
  };
}

// A kernel spec of our own, so the kernel runs NOTEBOOK_PYTHON whatever kernels are installed.
async function writeKernelSpec(workdir: string, python: string): Promise<void> {
  const dir = join(workdir, 'jupyter', 'kernels', KERNEL_NAME);
  await mkdir(dir, { recursive: true });
  const spec = {
    argv: [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
    display_name: 'Traitbase',
    language: 'python',
  };
  await writeFile(join(dir, 'kernel.json'), JSON.stringify(spec));
}

// Runs `python -m nbconvert --execute` in its own process group under an overall deadline; at the
// deadline (or on shutdown) every process group the run started is killed with SIGKILL.
@Injectable()
export class NotebookExecutor implements BeforeApplicationShutdown {
  private readonly running = new Set<ProcessGroups>();
  private stopping = false;

  async execute(req: ExecuteRequest): Promise<ExecuteResult> {
    await writeKernelSpec(req.workdir, req.python);
    const started = Date.now();
    const args = [
      '-m',
      'nbconvert',
      '--execute',
      '--to',
      'notebook',
      '--output',
      'executed',
      '--output-dir',
      req.workdir,
      `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
      '--ExecutePreprocessor.timeout=-1',
      req.inputPath,
    ];
    const child = spawn(req.python, args, {
      cwd: req.workdir,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: childEnv(req.workdir),
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-TAIL_BYTES);
    });
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    await spawned;
    const groups = new ProcessGroups(child.pid!);
    this.running.add(groups);
    const tracker = setInterval(() => groups.track(), TRACK_EVERY_MS);
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      void groups.killAll();
    }, req.timeoutMs);
    try {
      const exitCode = await exited;
      // The kernel lives in a session of its own; make sure nothing the run started survives it.
      await groups.killAll();
      return {
        ok: exitCode === 0 && !timedOut && !this.stopping,
        exitCode,
        timedOut,
        aborted: this.stopping && !timedOut,
        stderrTail: tail,
        executedPath: join(req.workdir, 'executed.ipynb'),
        processGroups: [...groups.groups],
        durationMs: Date.now() - started,
      };
    } finally {
      clearInterval(tracker);
      clearTimeout(deadline);
      this.running.delete(groups);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running].map((g) => g.killAll()));
  }
}
