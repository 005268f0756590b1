// Encodes values for COPY … FROM STDIN in PostgreSQL's text format.
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

export function copyLine(fields: (string | number | null)[]): string {
  return fields.map(copyField).join('\t') + '\n';
}
