import { describe, expect, it } from 'vitest';
import { unloadStatement } from '../../lambdas/warehouse/athena-sql.ts';
import { SqlTemplateError } from '../../lambdas/warehouse/errors.ts';

describe('unloadStatement', () => {
  it('writes partitioned ZSTD Parquet to an s3 prefix', () => {
    // Act
    const sql = unloadStatement('select 1 as a, dt from x', 's3://lake-bucket/_tmp/athena/abc/c0/a0/', 'dt');

    // Assess
    expect(sql).toBe(
      "unload (select 1 as a, dt from x) to 's3://lake-bucket/_tmp/athena/abc/c0/a0/' " +
        "with (format = 'PARQUET', compression = 'ZSTD', partitioned_by = ARRAY['dt'])",
    );
  });

  it('refuses a location that could break out of its quotes', () => {
    // Act
    const build = () => unloadStatement('select 1', "s3://lake-bucket/x'/", undefined);

    // Assess
    expect(build).toThrow(SqlTemplateError);
  });
});
