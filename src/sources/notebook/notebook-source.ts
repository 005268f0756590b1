import { durationSeconds } from '../../trait-definitions/rules/duration';
import { RESERVED_NOTEBOOK_PARAMETERS } from '../../trait-definitions/schema/source-notebook.schema';
import type { TraitSpec, TraitType } from '../../trait-definitions/trait-spec';

export type UnknownIdentities = 'create' | 'skip' | 'reject';

export interface ContractTrait {
  name: string;
  column: string;
  type: TraitType;
}

// What a notebook's output (or a push) must look like: one row per identity, one column per trait.
export interface OutputContract {
  format: 'csv' | 'jsonl';
  identity: { column: string; type: string };
  traits: ContractTrait[];
  modelVersionColumn: string;
  scoredAtColumn: string;
  unknownIdentities: UnknownIdentities;
  minRows: number;
  // Row count may move at most this share from the previous accepted output (null: unchecked).
  maxRowChange: number | null;
}

export interface NotebookSource {
  notebook: string;
  schedule: string | null;
  // Relations a scheduled run waits for (docs/notebooks.md).
  waitsFor: string[];
  timeoutSeconds: number;
  parameters: Record<string, unknown>;
  output: OutputContract;
}

export const DEFAULT_TIMEOUT_SECONDS = 15 * 60;
export const DEFAULT_MAX_ROW_CHANGE = 0.5;
// Names the runner injects into every notebook; a source may not declare them as parameters.
export const RESERVED_PARAMETERS = RESERVED_NOTEBOOK_PARAMETERS;
const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Block = Record<string, unknown> & { output?: Record<string, unknown> };

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function parameters(raw: unknown): Record<string, unknown> {
  const params =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  for (const name of Object.keys(params)) {
    if (!PYTHON_NAME.test(name)) throw new Error(`parameters.${name}: must be a Python identifier`);
    if (RESERVED_PARAMETERS.includes(name)) {
      throw new Error(`parameters.${name}: is injected by the runner and cannot be declared`);
    }
  }
  return params;
}

function contract(block: Block, traits: TraitSpec[]): OutputContract {
  const out = block.output ?? {};
  const identity = (out.identity ?? {}) as Record<string, unknown>;
  const identityColumn = str(identity.column);
  const identityType = str(identity.type);
  if (!identityColumn || !identityType) throw new Error('output.identity: needs column and type');
  const unknown = out.unknown_identities ?? 'create';
  if (unknown !== 'create' && unknown !== 'skip' && unknown !== 'reject') {
    throw new Error('output.unknown_identities: must be create, skip or reject');
  }
  const maxChange = block.max_change_ratio;
  return {
    format: out.format === 'jsonl' ? 'jsonl' : 'csv',
    identity: { column: identityColumn, type: identityType },
    traits: traits.map((t) => ({ name: t.name, column: t.column ?? t.name, type: t.type })),
    modelVersionColumn: str(out.model_version_column) ?? 'model_version',
    scoredAtColumn: str(out.scored_at_column) ?? 'scored_at',
    unknownIdentities: unknown,
    minRows: typeof block.min_rows === 'number' ? block.min_rows : 1,
    maxRowChange:
      maxChange === null
        ? null
        : typeof maxChange === 'number'
          ? maxChange
          : DEFAULT_MAX_ROW_CHANGE,
  };
}

// One notebook source from the traits that declare it (they share one `source:` block).
export function notebookSource(traits: TraitSpec[]): NotebookSource {
  const block = traits[0].source as Block;
  const notebook = str(block.notebook);
  if (!notebook) throw new Error('notebook: must be a path');
  const timeout = str(block.timeout);
  const timeoutSeconds = timeout ? durationSeconds(timeout) : DEFAULT_TIMEOUT_SECONDS;
  if (timeoutSeconds === null) throw new Error('timeout: must be a duration like 90s, 15m or 2h');
  const src: NotebookSource = {
    notebook,
    schedule: str(block.schedule) ?? null,
    waitsFor: Array.isArray(block.waits_for)
      ? block.waits_for.filter((r): r is string => typeof r === 'string')
      : [],
    timeoutSeconds,
    parameters: parameters(block.parameters),
    output: contract(block, traits),
  };
  const columns = [
    src.output.identity.column,
    src.output.modelVersionColumn,
    src.output.scoredAtColumn,
  ];
  for (const t of src.output.traits) {
    if (columns.includes(t.column))
      throw new Error(`traits.${t.name}: column ${t.column} is used twice`);
    columns.push(t.column);
  }
  return src;
}

// Groups notebook trait specs by notebook path: one source = every trait with the same notebook.
export function groupByNotebook(specs: TraitSpec[]): Map<string, TraitSpec[]> {
  const groups = new Map<string, TraitSpec[]>();
  for (const spec of specs) {
    const path = str(spec.source?.notebook);
    if (spec.source?.kind !== 'notebook' || !path) continue;
    groups.set(path, [...(groups.get(path) ?? []), spec]);
  }
  return groups;
}

// The contract of the given traits only (a push of one trait of a multi-trait notebook).
export function restrictContract(contract: OutputContract, traitNames: string[]): OutputContract {
  return { ...contract, traits: contract.traits.filter((t) => traitNames.includes(t.name)) };
}
