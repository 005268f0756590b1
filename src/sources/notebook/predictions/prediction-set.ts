import { createHash } from 'node:crypto';
import { normalizeIdentity } from '../../../identity/identity-normalizer';
import type { TraitDef } from '../../../trait-definitions/trait-def';
import { checkTraitValue } from '../../../traits/trait-value.validator';
import type { OutputContract } from '../notebook-source';
import { parseCell } from './cell-value';
import { OutputProblems } from './output-problems';

// A validated output: one row per identity, column arrays to keep 100k rows small in memory.
export interface PredictionSet {
  modelVersion: string;
  identities: string[];
  // values[t][i]: the value of contract.traits[t] for identities[i].
  values: unknown[][];
  scoredAt: (string | null)[];
  // Per trait: sha256 of its (identity, value, scored_at) rows in identity order.
  contentSha256: string[];
}

const MAX_MODEL_VERSION = 200;
// Like the write path: observations more than an hour ahead are clock errors.
const MAX_FUTURE_MS = 60 * 60 * 1000;

export interface PredictionSetOptions {
  defs: TraitDef[];
  maxRows: number;
  // Given by the caller (GraphQL argument, ?modelVersion=): rows must agree or omit it.
  modelVersion?: string;
  now?: Date;
}

// Checks an output against its contract row by row; finish() returns the set or throws one error
// listing the problems. The header is exact: every contract column, no other (any order).
export class PredictionSetBuilder {
  readonly problems = new OutputProblems();
  private readonly identities: string[] = [];
  private readonly values: unknown[][];
  private readonly scoredAt: (string | null)[] = [];
  private readonly seen = new Map<string, number>();
  private modelVersion: string | undefined;
  private positions: Map<string, number> | undefined;
  private rows = 0;
  private readonly now: Date;

  constructor(
    private readonly contract: OutputContract,
    private readonly options: PredictionSetOptions,
  ) {
    this.values = contract.traits.map(() => []);
    this.modelVersion = options.modelVersion;
    this.now = options.now ?? new Date();
  }

  get rowCount(): number {
    return this.rows;
  }

  // CSV: the first record names the columns.
  header(columns: string[]): void {
    const c = this.contract;
    const required = [c.identity.column, ...c.traits.map((t) => t.column), c.modelVersionColumn];
    const allowed = new Set([...required, c.scoredAtColumn]);
    const seen = new Set<string>();
    for (const col of columns) {
      if (!allowed.has(col)) this.problems.add(null, 'header', `unexpected column "${col}"`);
      else if (seen.has(col)) this.problems.add(null, 'header', `column "${col}" appears twice`);
      seen.add(col);
    }
    for (const col of required)
      if (!seen.has(col)) this.problems.add(null, 'header', `missing column "${col}"`);
    // Rows are checked only against a good header; a bad one is the problem to report.
    if (this.problems.empty) this.positions = new Map(columns.map((col, i) => [col, i]));
  }

  addFields(fields: string[]): void {
    if (!this.positions) {
      this.rows += 1;
      return;
    }
    if (fields.length !== this.positions.size) {
      return this.rejectRow(
        'row',
        `has ${fields.length} fields, the header has ${this.positions.size}`,
      );
    }
    const at = (col: string): string | undefined => {
      const i = this.positions!.get(col);
      return i === undefined ? undefined : fields[i];
    };
    const parsed = this.contract.traits.map((t) => parseCell(at(t.column)!, t.type));
    this.add(
      at(this.contract.identity.column),
      parsed,
      at(this.contract.modelVersionColumn),
      at(this.contract.scoredAtColumn) || null,
    );
  }

  // JSON lines: each line one object with exactly the contract's keys (scored_at optional).
  addObject(obj: unknown): void {
    const c = this.contract;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      return this.rejectRow('row', 'must be a JSON object');
    const record = obj as Record<string, unknown>;
    const allowed = new Set([
      c.identity.column,
      ...c.traits.map((t) => t.column),
      c.modelVersionColumn,
      c.scoredAtColumn,
    ]);
    const extra = Object.keys(record).find((k) => !allowed.has(k));
    if (extra !== undefined) return this.rejectRow(extra, 'is not a column of the output contract');
    const parsed = c.traits.map((t) =>
      record[t.column] === undefined || record[t.column] === null
        ? {
            ok: false as const,
            rule:
              record[t.column] === null
                ? 'must not be null (NaN or None in the notebook?)'
                : 'is missing',
          }
        : { ok: true as const, value: record[t.column] },
    );
    this.add(
      record[c.identity.column],
      parsed,
      record[c.modelVersionColumn],
      record[c.scoredAtColumn] ?? null,
    );
  }

  // A row that could not be read at all (bad JSON, wrong field count).
  rejectRow(field: string, rule: string): void {
    this.rows += 1;
    this.problems.add(this.rows, field, rule);
  }

  // A row whose values are already typed (GraphQL); model version comes from the caller.
  addTyped(identity: unknown, values: unknown[], scoredAt: unknown): void {
    this.add(
      identity,
      values.map((value) => ({ ok: true as const, value })),
      this.modelVersion,
      scoredAt ?? null,
    );
  }

  add(
    identity: unknown,
    parsed: ({ ok: true; value: unknown } | { ok: false; rule: string })[],
    modelVersion: unknown,
    scoredAt: unknown,
  ): void {
    this.rows += 1;
    const row = this.rows;
    const c = this.contract;
    let ok = true;
    const fail = (field: string, rule: string) => {
      ok = false;
      this.problems.add(row, field, rule);
    };
    const id = normalizeIdentity(c.identity.type, identity);
    if (!id.ok) fail(c.identity.column, id.reason.replace(/^identity\.value: /, ''));
    else {
      const first = this.seen.get(id.value);
      if (first !== undefined)
        fail(c.identity.column, `repeats the identity of row ${first} (one row per identity)`);
    }
    const values = parsed.map((p, t) => {
      if (!p.ok) return fail(c.traits[t].column, p.rule);
      const checked = checkTraitValue(this.options.defs[t], p.value);
      if (!checked.ok) return fail(c.traits[t].column, checked.reason.replace(/^value: /, ''));
      if (checked.value === null) return fail(c.traits[t].column, 'must not be null');
      return checked.value;
    });
    this.checkModelVersion(modelVersion, fail);
    const at = this.scoredAtOf(scoredAt, fail);
    if (!ok || !id.ok) return;
    this.seen.set(id.value, row);
    if (this.rows * Math.max(c.traits.length, 1) > this.options.maxRows) {
      if (!this.problems.tooLarge)
        this.problems.add(null, 'rows', `at most ${this.options.maxRows} values per output`);
      this.problems.tooLarge = true;
      return;
    }
    this.identities.push(id.value);
    values.forEach((v, t) => this.values[t].push(v));
    this.scoredAt.push(at);
  }

  finish(): PredictionSet {
    // Whole-output rules only when the rows themselves were readable.
    if (this.problems.empty && this.rows < this.contract.minRows) {
      this.problems.add(
        null,
        'rows',
        `${this.rows} rows, the contract asks for at least ${this.contract.minRows}`,
      );
    }
    if (this.problems.empty && this.modelVersion === undefined) {
      this.problems.add(null, this.contract.modelVersionColumn, 'is required');
    }
    if (!this.problems.empty) throw this.problems.toError();
    return {
      modelVersion: this.modelVersion ?? '',
      identities: this.identities,
      values: this.values,
      scoredAt: this.scoredAt,
      contentSha256: this.hashes(),
    };
  }

  private checkModelVersion(raw: unknown, fail: (field: string, rule: string) => void): void {
    const col = this.contract.modelVersionColumn;
    if (typeof raw !== 'string' || raw.trim() === '' || raw.length > MAX_MODEL_VERSION) {
      return fail(col, `must be a non-empty string of at most ${MAX_MODEL_VERSION} characters`);
    }
    if (this.modelVersion === undefined) this.modelVersion = raw;
    else if (raw !== this.modelVersion)
      fail(col, `must be the same on every row (first: ${this.modelVersion})`);
  }

  private scoredAtOf(raw: unknown, fail: (field: string, rule: string) => void): string | null {
    if (raw === null || raw === undefined) return null;
    const date = raw instanceof Date ? raw : typeof raw === 'string' ? new Date(raw) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      fail(this.contract.scoredAtColumn, 'must be an ISO-8601 timestamp');
      return null;
    }
    if (date.getTime() > this.now.getTime() + MAX_FUTURE_MS)
      fail(this.contract.scoredAtColumn, 'is more than 1h in the future');
    return date.toISOString();
  }

  private hashes(): string[] {
    const order = this.identities
      .map((_, i) => i)
      .sort((a, b) => (this.identities[a] < this.identities[b] ? -1 : 1));
    return this.values.map((column) => {
      const hash = createHash('sha256');
      for (const i of order)
        hash.update(
          `${this.identities[i]}\t${JSON.stringify(column[i])}\t${this.scoredAt[i] ?? ''}\n`,
        );
      return hash.digest('hex');
    });
  }
}
