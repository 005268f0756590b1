import { CsvParser } from './csv-parser';

function parse(chunks: string[]): string[][] {
  const parser = new CsvParser();
  const out = chunks.flatMap((c) => parser.push(c));
  parser.end();
  return out;
}

describe('CsvParser', () => {
  it('reads quoted fields, escaped quotes, embedded line breaks and CRLF across chunk borders', () => {
    expect(parse(['a,"b ""q""', '",c\r', '\n1,"x\ny",', '3\n'])).toEqual([
      ['a', 'b "q"', 'c'],
      ['1', 'x\ny', '3'],
    ]);
  });

  it('splits a quote pair across chunks correctly', () => {
    expect(parse(['"a"', '"b"\n'])).toEqual([['a"b']]);
  });

  it('reports a last line without a line break as truncated', () => {
    const parser = new CsvParser();
    expect(parser.push('id,score\nu1,0.')).toEqual([['id', 'score']]);
    expect(() => parser.end()).toThrow('truncated');
  });

  it('reports an open quote at the end as truncated', () => {
    const parser = new CsvParser();
    parser.push('id\n"u1');
    expect(() => parser.end()).toThrow('quoted field');
  });

  it('rejects text after a closing quote', () => {
    expect(() => new CsvParser().push('"a"b\n')).toThrow('after a closing quote');
  });
});
