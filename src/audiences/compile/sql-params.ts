// The parameters of one compiled statement. Every value that comes from a rule goes through here
// as a numbered, typed parameter: nothing a user wrote is ever part of the SQL text.
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}
