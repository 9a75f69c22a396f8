import { describe, expect, it } from 'vitest';
import { type ColumnDef, col, type TableDef } from '../../lambdas/contract/table-def.ts';
import { SqlTemplateError } from '../../lambdas/warehouse/errors.ts';
import {
  chunk,
  distinctPartitionsQuery,
  partitionLiteral,
  partitionValue,
  tableRowsQuery,
} from '../../lambdas/warehouse/write-sql.ts';

const DT = col('dt', 'date', 'The day.');
const INGEST_ID = col('ingest_id', 'varchar', 'The ingest.');

const DAILY: TableDef = {
  name: 'partner_daily',
  layer: 'mart',
  description: 'Test table.',
  grain: 'one row per partner and day',
  key: ['partner_id', 'dt'],
  columns: [col('partner_id', 'varchar', 'The partner.'), col('signups', 'bigint', 'Signups.')],
  partition: DT,
  location: 'marts/partner_daily',
  format: 'parquet',
};

describe('chunk', () => {
  it('splits 250 items into 100, 100 and 50', () => {
    // Act
    const chunks = chunk(
      Array.from({ length: 250 }, (_, i) => i),
      100,
    );

    // Assess
    expect(chunks.map((part) => part.length)).toEqual([100, 100, 50]);
    expect(chunks[2]?.[0]).toBe(200);
  });

  it('returns no chunks for no items and refuses a size below 1', () => {
    // Act
    const none = chunk([], 100);

    // Assess
    expect(none).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('partition values and literals', () => {
  it('renders a date partition as a typed date literal and an id as a string', () => {
    // Act
    const date = partitionLiteral(DT, '2024-02-29');
    const id = partitionLiteral(INGEST_ID, '9f86d081884c7d65');

    // Assess
    expect(date).toBe("date '2024-02-29'");
    expect(id).toBe("'9f86d081884c7d65'");
  });

  it.each([
    [DT, '2025-02-29'],
    [DT, '2026-13-01'],
    [DT, "2026-11-21' or '1'='1"],
    [DT, null],
    [DT, 20261121],
    [INGEST_ID, "abc'; drop table events; --"],
    [INGEST_ID, 'a/b'],
    [INGEST_ID, ''],
  ])('refuses %s value %j', (column, value) => {
    // Act
    const validate = () => partitionValue(column, value);

    // Assess
    expect(validate).toThrow(SqlTemplateError);
  });
});

describe('tableRowsQuery', () => {
  it('selects the table columns cast to their types, partition last, filtered to the given partitions', () => {
    // Act
    const sql = tableRowsQuery(DAILY, 'select * from staged -- trailing comment', [
      '2026-11-20',
      '2026-11-21',
    ]);

    // Assess
    expect(sql).toBe(
      'select cast(partner_id as varchar) as partner_id, cast(signups as bigint) as signups, cast(dt as date) as dt' +
        ' from (\nselect * from staged -- trailing comment\n)' +
        " where dt in (date '2026-11-20', date '2026-11-21')",
    );
  });

  it("ends in the table's sort order, after the partition filter", () => {
    // Act
    const sql = tableRowsQuery({ ...DAILY, sortedBy: ['partner_id', 'signups'] }, 'select * from staged', [
      '2026-11-21',
    ]);

    // Assess
    expect(sql.endsWith(" where dt in (date '2026-11-21') order by partner_id, signups")).toBe(true);
  });

  it('refuses a column name that is not a plain identifier', () => {
    // Prepare
    const table = { ...DAILY, columns: [col('signups; drop', 'bigint', '')] };

    // Act
    const build = () => tableRowsQuery(table, 'select 1');

    // Assess
    expect(build).toThrow('"signups; drop" is not a lowercase SQL identifier');
  });

  it('refuses a column type that is not a plain type name', () => {
    // Prepare
    const unusable = { ...col('signups', 'bigint', ''), type: 'bigint) as x, (1' } as unknown as ColumnDef;
    const table: TableDef = { ...DAILY, columns: [unusable] };

    // Act
    const build = () => tableRowsQuery(table, 'select 1');

    // Assess
    expect(build).toThrow('column partner_daily.signups has an unusable type "bigint) as x, (1"');
  });
});

describe('distinctPartitionsQuery', () => {
  it('asks for the ordered distinct partition values of the query', () => {
    // Act
    const sql = distinctPartitionsQuery(DAILY, 'select * from staged');

    // Assess
    expect(sql).toBe('select distinct dt from (\nselect * from staged\n) order by 1');
  });
});
