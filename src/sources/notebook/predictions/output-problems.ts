import { DomainError, ErrorCode } from '../../../common/errors/domain-error';

export interface OutputProblem {
  // 1-based data row (the CSV header is not a row); null for problems of the whole output.
  row: number | null;
  field: string;
  rule: string;
}

export const MAX_REPORTED_PROBLEMS = 20;

// Collects what is wrong with an output; the first few are reported, all are counted.
export class OutputProblems {
  readonly list: OutputProblem[] = [];
  count = 0;
  tooLarge = false;

  add(row: number | null, field: string, rule: string): void {
    this.count += 1;
    if (this.list.length < MAX_REPORTED_PROBLEMS) this.list.push({ row, field, rule });
  }

  get empty(): boolean {
    return this.count === 0;
  }

  // One error for the whole output: nothing of it is written.
  toError(): DomainError {
    const details = Object.fromEntries(
      this.list.map((p) => [p.row === null ? p.field : `row ${p.row}.${p.field}`, p.rule]),
    );
    const first = this.list[0];
    const where = first
      ? `${first.row === null ? '' : `row ${first.row} `}${first.field}: ${first.rule}`
      : 'invalid';
    const message = `output rejected, nothing written (${this.count} problem${this.count === 1 ? '' : 's'}; first: ${where})`;
    return new DomainError(
      this.tooLarge ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INVALID_INPUT,
      message,
      details,
    );
  }
}
