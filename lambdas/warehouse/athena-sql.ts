/**
 * Pure SQL building for Athena's own statements. The UNLOAD location is validated before it
 * becomes SQL text; nothing unvalidated is ever spliced in.
 */
import { SqlTemplateError } from './errors.ts';
import { sqlIdentifier } from './write-sql.ts';

/** The most partitions one Athena UNLOAD (or CTAS / INSERT INTO) may write. */
export const MAX_PARTITIONS_PER_STATEMENT = 100;

/** What may appear inside the quoted UNLOAD location. */
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9_.=/-]*\/$/;

/**
 * `UNLOAD (select) TO 's3://.../' WITH (...)` writing ZSTD Parquet, hive-partitioned by
 * `partitionColumn` when given. `location` must be an `s3://bucket/key/` prefix of plain characters.
 */
export function unloadStatement(select: string, location: string, partitionColumn?: string): string {
  if (!S3_URI.test(location)) {
    throw new SqlTemplateError(
      `UNLOAD location must be an s3://bucket/prefix/ of plain characters, got ${location}`,
    );
  }
  const properties = ["format = 'PARQUET'", "compression = 'ZSTD'"];
  if (partitionColumn !== undefined)
    properties.push(`partitioned_by = ARRAY['${sqlIdentifier(partitionColumn)}']`);
  return `unload (${select}) to '${location}' with (${properties.join(', ')})`;
}
