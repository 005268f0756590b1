// Incremental RFC 4180 parser: feed text chunks, get complete records back. A record is complete
// only once its line break is read, so a file cut mid-line is reported by end(), never half-read.
export class CsvParser {
  private field = '';
  private record: string[] = [];
  private quoted = false;
  // Inside a quoted field; a quote seen at the end of a chunk may be the first of an escaped pair.
  private inQuotes = false;
  private pendingQuote = false;
  private pendingCr = false;

  constructor(private readonly maxFieldLength = 1_048_576) {}

  push(chunk: string): string[][] {
    const out: string[][] = [];
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk[i];
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') continue;
      }
      if (this.inQuotes) {
        if (this.pendingQuote) {
          this.pendingQuote = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
        } else if (c === '"') {
          this.pendingQuote = true;
          continue;
        } else {
          this.append(c);
          continue;
        }
      }
      if (c === ',') {
        this.endField();
      } else if (c === '\n' || c === '\r') {
        this.endField();
        out.push(this.record);
        this.record = [];
        this.pendingCr = c === '\r';
      } else if (c === '"' && this.field === '' && !this.quoted) {
        this.inQuotes = true;
        this.quoted = true;
      } else if (this.quoted) {
        throw new Error('csv: characters after a closing quote');
      } else {
        this.append(c);
      }
    }
    return out;
  }

  // Throws when the input stopped inside a record: an open quote or a last line without a line break.
  end(): void {
    if (this.inQuotes && !this.pendingQuote)
      throw new Error('csv: the file ends inside a quoted field (truncated?)');
    if (this.field !== '' || this.record.length > 0 || this.quoted) {
      throw new Error('csv: the last line has no line break (truncated?)');
    }
  }

  private append(c: string): void {
    this.field += c;
    if (this.field.length > this.maxFieldLength)
      throw new Error(`csv: a field is longer than ${this.maxFieldLength} characters`);
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.quoted = false;
  }
}
