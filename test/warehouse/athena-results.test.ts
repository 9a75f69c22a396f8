import { describe, expect, it } from 'vitest';
import { convertCell, pageRows, timestampText } from '../../lambdas/warehouse/athena-results.ts';

describe('convertCell', () => {
  it.each([
    ['12345678901', 'bigint', 12345678901],
    ['42', 'integer', 42],
    ['-7', 'smallint', -7],
    ['2.5', 'double', 2.5],
    ['0.25', 'real', 0.25],
    ['1234.50', 'decimal', 1234.5],
    ['1234.50', 'decimal(18,2)', 1234.5],
    ['Infinity', 'double', Number.POSITIVE_INFINITY],
    ['true', 'boolean', true],
    ['false', 'boolean', false],
    ['2026-11-21', 'date', '2026-11-21'],
    ['2026-11-21 09:05:03.000', 'timestamp', '2026-11-21 09:05:03.000'],
    ['2026-11-21 09:05:03', 'timestamp', '2026-11-21 09:05:03.000'],
    ['2026-11-21 09:05:03.123456', 'timestamp(6)', '2026-11-21 09:05:03.123'],
    ['2026-11-21 09:05:03.5', 'timestamp', '2026-11-21 09:05:03.500'],
    ['p_001', 'varchar', 'p_001'],
    ['', 'varchar', ''],
    ['[1, 2]', 'array', '[1, 2]'],
  ])('converts %j of type %s', (text, type, expected) => {
    // Act
    const value = convertCell(text, type);

    // Assess
    expect(value).toBe(expected);
  });

  it('turns a cell without a value into null whatever its type', () => {
    // Act
    const values = ['bigint', 'boolean', 'date', 'timestamp', 'varchar'].map((type) =>
      convertCell(undefined, type),
    );

    // Assess
    expect(values).toEqual([null, null, null, null, null]);
  });
});

describe('timestampText', () => {
  it('leaves a timestamp with a time zone as Athena printed it', () => {
    // Act
    const text = timestampText('2026-11-21 09:05:03.000 UTC');

    // Assess
    expect(text).toBe('2026-11-21 09:05:03.000 UTC');
  });
});

describe('pageRows', () => {
  it('names cells by column, converts them, and drops the header row only when asked', () => {
    // Prepare
    const columns = [
      { Name: 'partner_id', Type: 'varchar' },
      { Name: 'signups', Type: 'bigint' },
    ];
    const rows = [
      { Data: [{ VarCharValue: 'partner_id' }, { VarCharValue: 'signups' }] },
      { Data: [{ VarCharValue: 'p_001' }, { VarCharValue: '17' }] },
      { Data: [{}, { VarCharValue: '3' }] },
    ];

    // Act
    const first = pageRows(rows, columns, true);
    const later = pageRows(rows.slice(1), columns, false);

    // Assess
    expect(first).toEqual([
      { partner_id: 'p_001', signups: 17 },
      { partner_id: null, signups: 3 },
    ]);
    expect(later).toEqual(first);
  });
});
