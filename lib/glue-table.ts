/**
 * A registry table as a Glue table: columns with Hive types, the partition column with partition
 * projection (so Athena needs no crawler, no MSCK REPAIR and no catalog update for a new
 * partition), and the storage of its format: Parquet, or RFC 4180 CSV for staging tables.
 */
import type * as glue from 'aws-cdk-lib/aws-glue';
import { hasManifests, MANIFEST_ROOT } from '../lambdas/contract/lake-layout.ts';
import type { ColumnDef, ColumnType, TableDef } from '../lambdas/contract/tables.ts';

/** The first date a date partition can hold: the first day of Bitcoin (events before it are quarantined). */
export const PROJECTION_START_DATE = '2009-01-03';

/** Glue keeps column comments up to 255 characters. */
const MAX_COLUMN_COMMENT = 255;
/** Glue keeps table descriptions up to 2048 characters. */
const MAX_TABLE_DESCRIPTION = 2048;

const PARQUET_STORAGE = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
} as const;

/**
 * A replaced table's readers read the files its manifests name (see
 * `lambdas/warehouse/table-files.ts`): Hive's symlink input format over Parquet, as Athena reads
 * Delta Lake's manifests.
 */
const PARQUET_MANIFEST_STORAGE = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serdeInfo: PARQUET_STORAGE.serdeInfo,
} as const;

/**
 * Staging CSV is RFC 4180: fields quoted with `"`, a quote inside doubled. OpenCSVSerde's default
 * escape character `\` would also eat a backslash before a quote (JSON in quarantined lines has
 * many), so the escape is set to U+0001, which the staging writer never produces.
 */
const CSV_STORAGE = {
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serdeInfo: {
    serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
    parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\u0001' },
  },
} as const;

/** A registry column type as Glue (Hive) names it: Trino's `varchar` is Hive's `string`. */
export function glueType(type: ColumnType): string {
  return type === 'varchar' ? 'string' : type;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function glueColumn(column: ColumnDef): glue.CfnTable.ColumnProperty {
  return {
    name: column.name,
    type: glueType(column.type),
    ...(column.description === '' ? {} : { comment: truncate(column.description, MAX_COLUMN_COMMENT) }),
  };
}

/**
 * The partition projection parameters of a partition column: a `date` column projects every day
 * from {@link PROJECTION_START_DATE} to today; a `varchar` column (a staging id, always given in
 * the query's WHERE) is `injected`.
 */
export function projectionParameters(partition: ColumnDef, location: string): Record<string, string> {
  const name = partition.name;
  const common = {
    'projection.enabled': 'true',
    'storage.location.template': `${location}${name}=\${${name}}/`,
  };
  if (partition.type === 'date') {
    return {
      ...common,
      [`projection.${name}.type`]: 'date',
      [`projection.${name}.format`]: 'yyyy-MM-dd',
      [`projection.${name}.range`]: `${PROJECTION_START_DATE},NOW`,
      [`projection.${name}.interval`]: '1',
      [`projection.${name}.interval.unit`]: 'DAYS',
    };
  }
  if (partition.type === 'varchar') return { ...common, [`projection.${name}.type`]: 'injected' };
  throw new Error(
    `partition ${name} has type ${partition.type}; projection is defined for date and varchar partitions only`,
  );
}

/**
 * The Glue `TableInput` of a registry table whose files live under `filesLocation`
 * (`s3://<lake bucket>/<table.location>/`, ending in `/`). A table published through manifests
 * is read from its manifests' folder, partition projection included.
 */
export function glueTableInput(table: TableDef, filesLocation: string): glue.CfnTable.TableInputProperty {
  const parquet = table.format === 'parquet';
  const manifests = hasManifests(table);
  const tableLocation = manifests ? `${filesLocation}${MANIFEST_ROOT}/` : filesLocation;
  const storage = manifests ? PARQUET_MANIFEST_STORAGE : parquet ? PARQUET_STORAGE : CSV_STORAGE;
  return {
    name: table.name,
    description: truncate(`${table.description} Grain: ${table.grain}.`, MAX_TABLE_DESCRIPTION),
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: parquet ? 'parquet' : 'csv',
      ...(table.partition === undefined ? {} : projectionParameters(table.partition, tableLocation)),
    },
    partitionKeys: table.partition === undefined ? [] : [glueColumn(table.partition)],
    storageDescriptor: {
      columns: table.columns.map(glueColumn),
      location: tableLocation,
      ...storage,
    },
  };
}
