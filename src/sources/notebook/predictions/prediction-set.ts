import { normalizeIdentity } from '../../../identity/identity-normalizer';
import type { TraitDef } from '../../../trait-definitions/trait-def';
import { checkTraitValue } from '../../../traits/trait-value.validator';
import type { OutputContract } from '../notebook-source';
import { parseCell } from './cell-value';
import { MAX_REPORTED_PROBLEMS, OutputProblems } from './output-problems';
import type { RowStore, StagedRow } from './prediction-stage';

// A validated output, its rows in the builder's store: one row per identity.
export interface PredictionSet {
  modelVersion: string;
  rows: number;
  // Per trait: sha256 of its (identity, value, scored_at) rows in identity order.
  contentSha256: string[];
}

// Checked rows are handed to the store this many at a time.
const STORE_ROWS = 5_000;

const MAX_MODEL_VERSION = 200;
// Like the write path: observations more than an hour ahead are clock errors.
const MAX_FUTURE_MS = 60 * 60 * 1000;

export interface PredictionSetOptions {
  defs: TraitDef[];
  // Given by the caller (GraphQL argument, ?modelVersion=): rows must agree or omit it.
  modelVersion?: string;
  now?: Date;
}

// Checks an output against its contract row by row and moves the checked rows to a store (callers
// await drain() between chunks); finish() returns the set or throws one error listing the
// problems. The header is exact: every contract column, no other (any order). Memory stays flat
// whatever the size: repeated identities and the content hash are found in the store.
export class PredictionSetBuilder {
  readonly problems = new OutputProblems();
  private pending: StagedRow[] = [];
  private stored = 0;
  private modelVersion: string | undefined;
  private positions: Map<string, number> | undefined;
  private rows = 0;
  private readonly now: Date;

  constructor(
    private readonly contract: OutputContract,
    private readonly options: PredictionSetOptions,
    private readonly store: RowStore,
  ) {
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
    this.pending.push({ row, identity: id.value, values, scoredAt: at });
  }

  // Moves the checked rows to the store once enough are waiting.
  async drain(): Promise<void> {
    if (this.pending.length >= STORE_ROWS) await this.flush();
  }

  async finish(): Promise<PredictionSet> {
    await this.flush();
    if (this.stored > 1) await this.checkRepeats();
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
      rows: this.stored,
      contentSha256: await this.store.hashes(),
    };
  }

  private async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    await this.store.append(rows);
    this.stored += rows.length;
  }

  // One row per identity (after normalisation): each later row naming an earlier one's identity.
  private async checkRepeats(): Promise<void> {
    const repeats = await this.store.repeats(MAX_REPORTED_PROBLEMS);
    for (const r of repeats.first) {
      this.problems.add(
        r.row,
        this.contract.identity.column,
        `repeats the identity of row ${r.first} (one row per identity)`,
      );
    }
    this.problems.count += repeats.count - repeats.first.length;
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
}
