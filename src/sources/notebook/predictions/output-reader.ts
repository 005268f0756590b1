import { StringDecoder } from 'node:string_decoder';
import { CsvParser } from './csv-parser';
import type { PredictionSetBuilder } from './prediction-set';

const MAX_LINE = 1_048_576;

// A readable stream, or any (async) iterable of chunks.
type Chunks = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

// The chunks of an input up to `maxBytes` (null: no limit); past it, a problem of the whole output
// and the rest is drained unread.
async function* bounded(
  input: Chunks,
  builder: PredictionSetBuilder,
  maxBytes: number | null,
): AsyncGenerator<Buffer | string> {
  let bytes = 0;
  for await (const chunk of input) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (builder.problems.tooLarge) continue;
    if (maxBytes !== null && bytes > maxBytes) {
      builder.problems.tooLarge = true;
      builder.problems.add(null, 'body', `is larger than ${maxBytes} bytes`);
    } else yield chunk;
  }
}

async function readCsv(input: Chunks, builder: PredictionSetBuilder): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser(MAX_LINE);
  let header = true;
  let broken = false;
  const take = (records: string[][]) => {
    for (const record of records) {
      if (record.length === 1 && record[0] === '') continue;
      if (header) {
        record[0] = record[0].replace(/^\uFEFF/, '');
        builder.header(record);
        header = false;
      } else builder.addFields(record);
    }
  };
  for await (const chunk of input) {
    // After a syntax error or past the size limit the rest is drained, not parsed: the output is
    // rejected either way, and memory stays bounded however much more arrives.
    if (broken || builder.problems.tooLarge) continue;
    try {
      take(await parser.push(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
      await builder.drain();
    } catch (err) {
      broken = true;
      builder.problems.add(builder.rowCount + 1, 'file', (err as Error).message);
    }
  }
  if (broken || builder.problems.tooLarge) return;
  try {
    take(await parser.push(decoder.end()));
    take(await parser.end());
  } catch (err) {
    builder.problems.add(builder.rowCount + 1, 'file', (err as Error).message);
  }
  if (header) builder.problems.add(null, 'header', 'the output is empty (no header line)');
}

async function readJsonLines(input: Chunks, builder: PredictionSetBuilder): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let broken = false;
  const line = (text: string) => {
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return builder.rejectRow('row', 'is not valid JSON (truncated?)');
    }
    builder.addObject(parsed);
  };
  for await (const chunk of input) {
    if (broken || builder.problems.tooLarge) continue;
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(line);
    await builder.drain();
    if (rest.length > MAX_LINE) {
      broken = true;
      builder.problems.add(builder.rowCount + 1, 'row', `is longer than ${MAX_LINE} characters`);
    }
  }
  if (!broken && !builder.problems.tooLarge) line(rest + decoder.end());
}

// Streams an output (a notebook's file or an upload) into the builder, one record at a time; the
// builder's store is filled while the input is read, so a slow store slows the reading.
export function readOutput(
  input: Chunks,
  format: 'csv' | 'jsonl',
  builder: PredictionSetBuilder,
  maxBytes: number | null = null,
): Promise<void> {
  const chunks = bounded(input, builder, maxBytes);
  return format === 'csv' ? readCsv(chunks, builder) : readJsonLines(chunks, builder);
}
