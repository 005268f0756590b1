import { CsvParser } from './csv-parser';

async function parse(chunks: string[]): Promise<string[][]> {
  const parser = new CsvParser();
  const out: string[][] = [];
  for (const chunk of chunks) out.push(...(await parser.push(chunk)));
  out.push(...(await parser.end()));
  return out;
}

describe('CsvParser', () => {
  it('reads quoted fields, escaped quotes, embedded line breaks and CRLF across chunk borders', async () => {
    expect(await parse(['a,"b ""q""', '",c\r', '\n1,"x\ny",', '3\n'])).toEqual([
      ['a', 'b "q"', 'c'],
      ['1', 'x\ny', '3'],
    ]);
  });

  it('splits a quote pair across chunks correctly', async () => {
    expect(await parse(['"a"', '"b"\n'])).toEqual([['a"b']]);
  });

  it('reports a last line without a line break as truncated', async () => {
    const parser = new CsvParser();
    await parser.push('id,score\nu1,0.');
    await expect(parser.end()).rejects.toThrow('truncated');
  });

  it('reports an open quote at the end as truncated', async () => {
    const parser = new CsvParser();
    await parser.push('id\n"u1');
    await expect(parser.end()).rejects.toThrow('quoted field');
  });

  it('rejects text after a closing quote', async () => {
    await expect(parse(['"a"b\n'])).rejects.toThrow('after a closing quote');
  });

  it('keeps rows of other widths for the caller to judge, and bounds a line', async () => {
    expect(await parse(['a,b\n1\n1,2,3\n'])).toEqual([['a', 'b'], ['1'], ['1', '2', '3']]);
    const bounded = new CsvParser(8);
    await expect(bounded.push('0123456789\n1\n').then(() => bounded.end())).rejects.toThrow(
      'longer than 8',
    );
  });
});
