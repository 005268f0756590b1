import { cellSource, INJECTED_TAG, NotebookJson } from './parameters-cell';

export interface NotebookFailure {
  // 1-based position of the failing cell in the notebook as written (the injected cell not counted).
  cell: number | null;
  // The last line of the error, e.g. "ValueError: features table is empty".
  error: string;
  tail: string;
}

// Jupyter colours tracebacks; the run keeps plain text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const CELL_BLOCK =
  /An error occurred while executing the following cell:\n-{3,}\n([\s\S]*?)\n-{3,}\n/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

// nbconvert reports a failing cell by echoing its source between dashed lines; find which cell it is.
export function describeFailure(stderrTail: string, executed: NotebookJson): NotebookFailure {
  const tail = stripAnsi(stderrTail);
  const lines = tail
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const error = lines.at(-1) ?? 'the notebook process failed without output';
  const blocks = [...tail.matchAll(CELL_BLOCK)];
  const source = blocks.at(-1)?.[1]?.trim();
  if (source === undefined) return { cell: null, error, tail };
  const written = executed.cells.filter((c) => !c.metadata?.tags?.includes(INJECTED_TAG));
  const index = written.findIndex((c) => c.cell_type === 'code' && cellSource(c).trim() === source);
  return { cell: index < 0 ? null : index + 1, error, tail };
}
