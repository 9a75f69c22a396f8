/**
 * readCsvRecords: every physical line its own record, parsed a block at a time, and a broken line
 * reported alone without swallowing the lines after it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvRecord, readCsvRecords } from '../../lambdas/ingest/csv-lines.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function records(name: string, text: string): Promise<CsvRecord[]> {
  const path = join(dir, name);
  await writeFile(path, text);
  const out: CsvRecord[] = [];
  for await (const record of readCsvRecords(path, ['Id'], {}, { exactHeader: true })) out.push(record);
  return out;
}

describe('readCsvRecords', () => {
  it('reads quoted commas and doubled quotes, trims fields, and skips blank lines', async () => {
    // Act
    const got = await records('small.csv', 'Id,Name\n  1 , "a, b"\n\n2,"say ""hi"""\n');

    // Assess
    expect(got).toEqual([
      { line: 2, raw: '  1 , "a, b"', fields: { Id: '1', Name: 'a, b' } },
      { line: 4, raw: '2,"say ""hi"""', fields: { Id: '2', Name: 'say "hi"' } },
    ]);
  });

  it('reports an unclosed quote and a wrong field count on their own lines, in blocks of any size', async () => {
    // Prepare: 1,200 lines (more than two blocks); line 601 opens a quote it never closes, which
    // read as a block would run into the lines after it; line 1,001 has a field too many.
    const lines = ['Id,Name'];
    for (let i = 1; i <= 1200; i += 1) {
      if (i === 600) lines.push('600,"unclosed');
      else if (i === 1000) lines.push('1000,x,extra');
      else lines.push(`${i},"n ${i}"`);
    }

    // Act
    const got = await records('blocks.csv', `${lines.join('\n')}\n`);

    // Assess: 1,200 records, in line order; the two bad lines alone are errors.
    expect(got).toHaveLength(1200);
    expect(got.map((record) => record.line)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 2));
    const errors = got.filter((record) => 'error' in record);
    expect(errors).toEqual([
      { line: 601, raw: '600,"unclosed', error: expect.stringMatching(/^not a valid CSV line/) },
      { line: 1001, raw: '1000,x,extra', error: 'has 3 fields, the header has 2' },
    ]);
    expect(got[600]).toEqual({ line: 602, raw: '601,"n 601"', fields: { Id: '601', Name: 'n 601' } });
    expect(got[1199]).toEqual({ line: 1201, raw: '1200,"n 1200"', fields: { Id: '1200', Name: 'n 1200' } });
  });
});
