import { CsvError, parse, Parser } from 'csv-parse';
import { setImmediate } from 'node:timers/promises';

// csv-parse's codes, in the words the output problems use.
const MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'csv: the file ends inside a quoted field (truncated?)',
  CSV_INVALID_CLOSING_QUOTE: 'csv: characters after a closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'csv: characters after a closing quote',
};

// Incremental RFC 4180 reading over csv-parse: feed text chunks, get complete records back (csv-parse
// may hold the last one, or an error, until the next chunk or the end). A record counts only once
// its line break is read, so a file cut mid-line is reported by end(), never half-read. Rows may
// differ in width (the builder names the row that does).
export class CsvParser {
  private readonly parser: Parser;
  private records: string[][] = [];
  private error: Error | null = null;
  private lastChar = '\n';

  constructor(private readonly maxFieldLength = 1_048_576) {
    this.parser = parse({
      relax_column_count: true,
      max_record_size: maxFieldLength,
      // Every line break ends a record, whatever the first one was (a file may mix them).
      record_delimiter: ['\r\n', '\n', '\r'],
    });
    this.parser.on('data', (record: string[]) => this.records.push(record));
    this.parser.on('error', (err: Error) => (this.error ??= err));
  }

  async push(chunk: string): Promise<string[][]> {
    if (chunk.length > 0) {
      this.lastChar = chunk[chunk.length - 1];
      this.parser.write(chunk);
    }
    await setImmediate(); // csv-parse reports errors on the next tick
    return this.take();
  }

  // The last records; throws when the input stopped inside a record: an open quote, or a last
  // line without a line break.
  async end(): Promise<string[][]> {
    await new Promise<void>((resolve) => {
      this.parser.once('end', resolve);
      this.parser.once('error', () => resolve());
      this.parser.end();
    });
    const last = this.take();
    if (this.lastChar !== '\n' && this.lastChar !== '\r')
      throw new Error('csv: the last line has no line break (truncated?)');
    return last;
  }

  private take(): string[][] {
    if (this.error) throw new Error(describe(this.error, this.maxFieldLength));
    const out = this.records;
    this.records = [];
    return out;
  }
}

function describe(err: Error, maxFieldLength: number): string {
  const code = err instanceof CsvError ? err.code : '';
  if (code === 'CSV_MAX_RECORD_SIZE')
    return `csv: a line is longer than ${maxFieldLength} characters`;
  return MESSAGES[code] ?? `csv: ${err.message}`;
}
