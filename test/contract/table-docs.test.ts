import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTableDocs } from '../../lambdas/contract/table-docs.ts';
import { TABLES } from '../../lambdas/contract/tables.ts';

describe('the table registry and its docs', () => {
  it('docs/tables.md is generated from the current registry (run npm run docs)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'tables.md'), 'utf8');
    expect(committed).toBe(renderTableDocs());
  });

  it.each(Object.values(TABLES).map((table) => [table.name, table]))(
    '%s: its key columns exist',
    (_, table) => {
      const names = [...table.columns, ...(table.partition === undefined ? [] : [table.partition])].map(
        (c) => c.name,
      );
      for (const key of table.key) expect(names).toContain(key);
      expect(new Set(names).size).toBe(names.length);
    },
  );

  it('every mart and curated table has an example question for analysts', () => {
    const missing = Object.values(TABLES)
      .filter((table) => (table.layer === 'mart' || table.layer === 'curated') && table.name !== 'fx')
      .filter((table) => table.example === undefined)
      .map((table) => table.name);
    expect(missing).toEqual([]);
  });
});
