import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { col, type TableDef } from '../../lambdas/contract/table-def.ts';
import { SqlTemplateError } from '../../lambdas/warehouse/errors.ts';
import {
  chunkLiteralRows,
  literalRowsQuery,
  queryFile,
  renderSql,
  sqlLiteral,
  valuesQuery,
} from '../../lambdas/warehouse/sql.ts';

describe('renderSql', () => {
  it('substitutes typed literals for placeholders', () => {
    const sql = renderSql(
      'select * from t where dt = :run_date and id = :id and n > :n and x in (:xs) and d in (:ds)',
      {
        run_date: { date: '2026-11-21' },
        id: "o'brien",
        n: 3,
        xs: ['a', 'b'],
        ds: { dates: ['2026-11-20', '2026-11-21'] },
      },
    );
    expect(sql).toBe(
      "select * from t where dt = date '2026-11-21' and id = 'o''brien' and n > 3 and x in ('a', 'b') " +
        "and d in (date '2026-11-20', date '2026-11-21')",
    );
  });

  it('leaves string literals and comments alone', () => {
    const sql = renderSql("-- the user's :run_date\nselect ':not_a_param', '12:30:00' as t, :p as p", {
      p: 1,
    });
    expect(sql).toBe("-- the user's :run_date\nselect ':not_a_param', '12:30:00' as t, 1 as p");
  });

  it('refuses a placeholder without a value', () => {
    expect(() => renderSql('select :missing')).toThrow(SqlTemplateError);
  });

  it.each([
    ['a malformed date', { date: "2026-11-21' or 1=1 --" }],
    ['an impossible timestamp text', { timestamp: 'now()' }],
    ['a control character', 'a\u0000b'],
    ['an empty list', []],
    ['a non-finite number', Number.NaN],
  ])('refuses %s', (_, param) => {
    expect(() => sqlLiteral('p', param as never)).toThrow(SqlTemplateError);
  });

  it('renders non-integer numbers as doubles', () => {
    expect(sqlLiteral('p', 0.25)).toBe('cast(0.25 as double)');
  });

  it('places a rendered query as a derived table, without rendering its text again', () => {
    // The inner query was rendered already: its ':x' sits in a comment and must stay as it is.
    const inner = renderSql('select id from t where d = :d -- not :x\n', { d: { date: '2026-11-21' } });
    const sql = renderSql('select * from :audience as a where a.id = :id', {
      audience: { query: inner },
      id: 'u1',
    });
    expect(sql).toBe(
      "select * from (\nselect id from t where d = date '2026-11-21' -- not :x\n\n) as a where a.id = 'u1'",
    );
  });
});

describe('valuesQuery', () => {
  it('builds literal rows with typed values', () => {
    expect(valuesQuery(['id', 'dt', 'n'], [['a', { date: '2026-01-02' }, 5]])).toBe(
      "select * from (values ('a', date '2026-01-02', 5)) as literal_rows (id, dt, n)",
    );
  });

  it('needs at least one row', () => {
    expect(() => valuesQuery(['a'], [])).toThrow(SqlTemplateError);
  });
});

const FORECASTS: TableDef = {
  name: 'forecasts',
  layer: 'mart',
  description: 'test',
  grain: 'one row per partner',
  key: ['partner_id'],
  columns: [col('partner_id', 'varchar', ''), col('value_usd', 'double', '')],
  location: 'marts/forecasts',
  format: 'parquet',
};

describe('literalRowsQuery', () => {
  it('is a values query, or with no rows a select of typed nulls that returns nothing', () => {
    // Assess
    expect(
      literalRowsQuery(FORECASTS, { columns: ['partner_id', 'value_usd'], rows: [['kol-1', 2.5]] }),
    ).toBe("select * from (values ('kol-1', cast(2.5 as double))) as literal_rows (partner_id, value_usd)");
    expect(literalRowsQuery(FORECASTS, { columns: ['partner_id', 'value_usd'], rows: [] })).toBe(
      'select cast(null as varchar) as partner_id, cast(null as double) as value_usd where false',
    );
    expect(() => literalRowsQuery(FORECASTS, { columns: ['nope'], rows: [] })).toThrow(SqlTemplateError);
  });
});

describe('chunkLiteralRows', () => {
  it('keeps every row once, in order, each run under the limit unless a row alone exceeds it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc
              .string({ unit: 'grapheme', maxLength: 40 })
              .filter((text) => [...text].every((c) => c.charCodeAt(0) >= 0x20)),
            fc.integer(),
          ),
          {
            maxLength: 200,
          },
        ),
        fc.integer({ min: 10, max: 400 }),
        (rows, maxBytes) => {
          // Act
          const chunks = chunkLiteralRows({ columns: ['partner_id', 'n'], rows }, maxBytes);

          // Assess
          expect(chunks.flatMap((chunk) => chunk.rows)).toEqual(rows);
          expect(chunks.length).toBeGreaterThan(0);
          for (const chunk of chunks) {
            if (chunk.rows.length <= 1) continue;
            const values = valuesQuery(chunk.columns, chunk.rows);
            const list = values.slice(
              values.indexOf('(values ') + 8,
              values.lastIndexOf(') as literal_rows'),
            );
            expect(Buffer.byteLength(list)).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
    );
  });
});

describe('queryFile', () => {
  it('reads a query of another folder without confusing it with the same name in queries/', async () => {
    // Prepare: a folder with its own recommend/budget_partners.sql
    const dir = await mkdtemp(join(tmpdir(), 'growthlake-sql-'));
    await mkdir(join(dir, 'recommend'));
    await writeFile(join(dir, 'recommend', 'budget_partners.sql'), 'select :n as n\n');

    try {
      // Act
      const own = queryFile('recommend/budget_partners', { n: 1 }, dir);
      const product = queryFile('recommend/budget_partners', { run_date: { date: '2026-11-21' } });

      // Assess: each folder's file, though both names were loaded (and cached) in one process
      expect(own).toBe('select 1 as n\n');
      expect(product).toContain("date '2026-11-21'");
      expect(product).not.toContain('select 1 as n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
