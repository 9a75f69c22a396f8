/** readLines: line breaks as readline knows them, across chunks, and a bound on a line's length. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../lambdas/ingest/csv-lines.ts';
import { MAX_LINE_CHARS, type NumberedLine, readLines } from '../../lambdas/ingest/line-reader.ts';

async function fileWith(content: string | Buffer): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'growthlake-lines-')), 'input.txt');
  await writeFile(path, content);
  return path;
}

async function lines(path: string): Promise<NumberedLine[]> {
  const out: NumberedLine[] = [];
  for await (const line of readLines(path)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('ends lines at \\r\\n, \\n and a lone \\r, keeps blank lines numbered, and drops a leading BOM', async () => {
    const path = await fileWith('\uFEFFa\r\nb\rc\n\nd');
    expect(await lines(path)).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'c' },
      { line: 4, text: '' },
      { line: 5, text: 'd' },
    ]);
  });

  it('reads a \\r\\n split across two chunks (1 MiB each) as one line break', async () => {
    // '\r' is the last byte of the first 1 MiB chunk, '\n' the first of the second.
    const first = 'x'.repeat((1 << 20) - 1);
    const path = await fileWith(`${first}\r\ny\n`);
    expect((await lines(path)).map((line) => [line.line, line.text.length])).toEqual([
      [1, (1 << 20) - 1],
      [2, 1],
    ]);
  });

  it('skips a line longer than the bound to its end, keeping its start and length', async () => {
    const long = 'z'.repeat(MAX_LINE_CHARS + 5);
    const path = await fileWith(`first\n${long}\nlast\n`);
    const read = await lines(path);
    expect(read.map((line) => [line.line, line.oversizedChars ?? null, line.text.length])).toEqual([
      [1, null, 5],
      [2, MAX_LINE_CHARS + 5, 8192],
      [3, null, 4],
    ]);
  });
});

describe('readCsvRecords with an oversized line', () => {
  it('quarantines the long line with a one-line reason and keeps the rows around it, in order', async () => {
    const long = `2026-11-20,kol-1,${'9'.repeat(MAX_LINE_CHARS)}`;
    const path = await fileWith(`date,partner_id,spend\n2026-11-19,kol-1,10\n${long}\n2026-11-21,kol-1,30\n`);
    const records = [];
    for await (const record of readCsvRecords(path, ['date', 'partner_id', 'spend'])) records.push(record);
    expect(
      records.map((record) => [record.line, 'error' in record ? record.error : record.fields.spend]),
    ).toEqual([
      [2, '10'],
      [
        3,
        `line is ${long.length} characters long, more than the ${MAX_LINE_CHARS} a line may have: not read`,
      ],
      [4, '30'],
    ]);
  });
});
