import { describe, expect, it } from 'vitest';
import { athenaEstimate, athenaScans, billedBytes, scannedBytes } from '../../bench/athena-cost.ts';

const MB = 2 ** 20;

describe('the scale bench Athena estimate', () => {
  it('counts a query once, a partitioned write twice, literal rows at no scan and views not at all', () => {
    // Act
    const query = athenaScans('query one row per user', 5 * MB);
    const partitioned = athenaScans('write user_state', 7 * MB);
    const whole = athenaScans('write identifier_users', 3 * MB);
    const literal = athenaScans('write exposures (120 rows)', 1 * MB);
    const manyLiteral = athenaScans('write exposures (40288 rows)', 0, 402_880);
    const view = athenaScans('define view user_segments', 1 * MB);

    // Assess: user_state is partitioned by dt (the partitions query, then the UNLOAD); identifier_users is not.
    expect(query).toEqual([5 * MB]);
    expect(partitioned).toEqual([7 * MB, 7 * MB]);
    expect(whole).toEqual([3 * MB]);
    expect(literal).toEqual([0]);
    // 402,880 rows: 402,880 / 780 = 516.5, so 517 VALUES queries.
    expect(manyLiteral).toHaveLength(517);
    expect(view).toEqual([]);
  });

  it('bills each query rounded up to the MB and at least 10 MB', () => {
    // Act: 0 -> 10 MB; 10.5 MB -> 11 MB; 25 MB -> 25 MB.
    const billed = billedBytes([0, 10.5 * MB, 25 * MB]);

    // Assess: 10 + 11 + 25 = 46 MB.
    expect(billed).toBe(46 * MB);
  });

  it('extends each statement along the line through its two measured user bases', () => {
    // Prepare: a query reading 20 MB at 100k users and 110 MB at 1M; a write of a partitioned table
    // seen only at 1M (40 MB), which grows in proportion.
    const small = { users: 100_000, statements: [{ label: 'query a', elapsedMs: 1, bytesRead: 20 * MB }] };
    const big = {
      users: 1_000_000,
      statements: [
        { label: 'query a', elapsedMs: 1, bytesRead: 110 * MB },
        { label: 'write user_state', elapsedMs: 1, bytesRead: 40 * MB },
      ],
    };

    // Act
    const measured = athenaEstimate(big, small, 1_000_000);
    const extended = athenaEstimate(big, small, 10_000_000);

    // Assess: measured, 110 + 40 + 40 = 190 MB in 3 queries. At 10M, the query's slope is
    // (110 - 20) / 900k users = 0.1 MB per 1k users, so 110 + 0.1 * 9,000 = 1,010 MB; the write
    // 40 * 10 = 400 MB, twice: 1,010 + 800 = 1,810 MB, at 5 USD per 2^40 bytes.
    expect(measured.queries).toBe(3);
    expect(measured.scannedBytes).toBe(190 * MB);
    expect(extended.scannedBytes).toBeCloseTo(1810 * MB, 0);
    expect(extended.billedBytes).toBe(1810 * MB);
    expect(extended.usd).toBeCloseTo((1810 / 2 ** 20) * 5, 10);
  });

  it('leaves out what DuckDB read back from its own spill', () => {
    // Act: 1,057 MB read, 1,050 MB of it spill: 7 MB of the table's inputs.
    const scanned = scannedBytes({
      label: 'write user_state',
      elapsedMs: 1,
      bytesRead: 1057 * MB,
      spilledBytes: 1050 * MB,
    });

    // Assess
    expect(scanned).toBe(7 * MB);
  });

  it('extends the rows of a literal write the same way, so a fixed-size one stays one query', () => {
    // Prepare: exposures grow (1,000 rows at 100k users, 3,000 at 300k); alerts do not (367 at both).
    const small = {
      users: 100_000,
      statements: [
        { label: 'write exposures (1000 rows)', elapsedMs: 1, bytesRead: 0 },
        { label: 'write kpi_alerts (367 rows)', elapsedMs: 1, bytesRead: 0 },
      ],
    };
    const big = {
      users: 300_000,
      statements: [
        { label: 'write exposures (3000 rows)', elapsedMs: 1, bytesRead: 0 },
        { label: 'write kpi_alerts (367 rows)', elapsedMs: 1, bytesRead: 0 },
      ],
    };

    // Act
    const estimate = athenaEstimate(big, small, 1_000_000);

    // Assess: 3,000 + (2,000 / 200k) * 700k = 10,000 exposure rows, 10,000 / 780 = 12.8 -> 13
    // queries; the alerts 1; each billed 10 MB: 14 * 10 = 140 MB.
    expect(estimate.queries).toBe(14);
    expect(estimate.billedBytes).toBe(140 * MB);
  });
});
