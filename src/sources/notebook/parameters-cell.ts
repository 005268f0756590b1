import { randomBytes } from 'node:crypto';

export interface NotebookJson {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

export interface NotebookCell {
  id?: string;
  cell_type: string;
  metadata?: { tags?: string[] } & Record<string, unknown>;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

export const INJECTED_TAG = 'injected-parameters';

// A JSON value as a Python literal. JSON string escapes are valid Python string escapes.
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('parameters: numbers must be finite');
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`).join(', ')}}`;
  }
  throw new Error(`parameters: unsupported value of type ${typeof value}`);
}

export function isNotebook(value: unknown): value is NotebookJson {
  const nb = value as Partial<NotebookJson> | null;
  return !!nb && typeof nb === 'object' && nb.nbformat === 4 && Array.isArray(nb.cells);
}

// Papermill-style: a new code cell right after the cell tagged `parameters` (or first when none is
// tagged) assigns every parameter, so its values override the notebook's defaults.
export function injectParameters(nb: NotebookJson, params: Record<string, unknown>): NotebookJson {
  const lines = [
    '# Parameters injected by Traitbase',
    ...Object.entries(params).map(([k, v]) => `${k} = ${pythonLiteral(v)}`),
  ];
  const cell: NotebookCell = {
    cell_type: 'code',
    metadata: { tags: [INJECTED_TAG] },
    source: lines.join('\n') + '\n',
    outputs: [],
    execution_count: null,
  };
  if (nb.nbformat_minor >= 5) cell.id = randomBytes(4).toString('hex');
  const cells = nb.cells.filter((c) => !c.metadata?.tags?.includes(INJECTED_TAG));
  const at = cells.findIndex((c) => c.metadata?.tags?.includes('parameters'));
  cells.splice(at + 1, 0, cell);
  return { ...nb, cells };
}

export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}
