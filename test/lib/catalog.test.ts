import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasManifests } from '../../lambdas/contract/lake-layout.ts';
import { TABLES, type TableDef } from '../../lambdas/contract/tables.ts';
import { Catalog } from '../../lib/catalog.ts';
import { glueTableInput, glueType, projectionParameters } from '../../lib/glue-table.ts';
import { logicalIdOf, renderValue, type SynthesizedStack, synthStack, testApp } from './stack-fixture.ts';

let synth: SynthesizedStack;
let lakeId: string;

beforeAll(() => {
  synth = synthStack();
  lakeId = logicalIdOf(synth.stack, synth.stack.storage.lake);
});

interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
}
interface TableInput {
  Name: string;
  TableType: string;
  Parameters: Record<string, unknown>;
  PartitionKeys: GlueColumn[];
  StorageDescriptor: {
    Columns: GlueColumn[];
    Location: unknown;
    InputFormat: string;
    OutputFormat: string;
    SerdeInfo: { SerializationLibrary: string; Parameters?: Record<string, string> };
  };
}

function glueTables(): Map<string, TableInput> {
  const resources = synth.template.findResources('AWS::Glue::Table');
  return new Map(
    Object.values(resources).map((resource) => {
      const input = resource.Properties.TableInput as TableInput;
      return [input.Name, input];
    }),
  );
}

const HIVE: Record<string, string> = {
  varchar: 'string',
  double: 'double',
  bigint: 'bigint',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  'decimal(38,9)': 'decimal(38,9)',
};

describe('Catalog', () => {
  it('defines the growthlake database once', () => {
    // Assess
    synth.template.resourceCountIs('AWS::Glue::Database', 1);
    synth.template.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: '123456789012',
      DatabaseInput: { Name: 'growthlake' },
    });
  });

  it('defines exactly one Glue table per registry table but the views, and no crawler', () => {
    // Prepare
    const stored = (Object.values(TABLES) as TableDef[]).filter((table) => table.isView !== true);

    // Assess: the views (users, user_segments) are the pipeline's to define.
    expect(synth.stack.catalog.viewNames).toEqual(['users', 'user_segments']);
    expect([...glueTables().keys()].sort()).toEqual(stored.map((table) => table.name).sort());
    synth.template.resourceCountIs('AWS::Glue::Table', stored.length);
    synth.template.resourceCountIs('AWS::Glue::Crawler', 0);
    synth.template.allResourcesProperties('AWS::Glue::Table', { DatabaseName: 'growthlake' });
  });

  it("gives every table the registry's columns, in order, with Hive types, and its location in the lake", () => {
    // Prepare
    const tables = glueTables();

    // Assess
    for (const table of (Object.values(TABLES) as TableDef[]).filter((t) => t.isView !== true)) {
      const input = tables.get(table.name) as TableInput;
      expect(input.TableType).toBe('EXTERNAL_TABLE');
      expect(input.StorageDescriptor.Columns.map((column) => [column.Name, column.Type])).toEqual(
        table.columns.map((column) => [column.name, HIVE[column.type]]),
      );
      // A replaced table is read from its manifests' folder; an append-only one, or a staging one, from its files'.
      const folder = hasManifests(table) ? `${table.location}/_symlink` : table.location;
      expect(renderValue(input.StorageDescriptor.Location)).toBe(`s3://\${${lakeId}}/${folder}/`);
    }
  });

  it('partitions each partitioned table by its registry partition column, and the others by nothing', () => {
    // Prepare
    const tables = glueTables();

    // Assess
    for (const table of (Object.values(TABLES) as TableDef[]).filter((t) => t.isView !== true)) {
      const keys = (tables.get(table.name) as TableInput).PartitionKeys.map((key) => [key.Name, key.Type]);
      expect(keys).toEqual(
        table.partition === undefined ? [] : [[table.partition.name, HIVE[table.partition.type]]],
      );
    }
  });

  it('projects the dt partition of events day by day from 2009-01-03 to now', () => {
    // Prepare
    const events = glueTables().get('events') as TableInput;

    // Assess
    expect(events.Parameters).toMatchObject({
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2009-01-03,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
    });
    expect(renderValue(events.Parameters['storage.location.template'])).toBe(
      `s3://\${${lakeId}}/curated/events/dt=\${dt}/`,
    );
  });

  it('projects every date partition (dt, run_date, snapshot_date) the same way, under its own name', () => {
    // Prepare
    const tables = glueTables();
    const dated = (Object.values(TABLES) as TableDef[]).filter(
      (table) => table.partition?.type === 'date' && table.isView !== true,
    );

    // Assess
    expect(new Set(dated.map((table) => table.partition?.name))).toEqual(
      new Set(['dt', 'run_date', 'snapshot_date']),
    );
    for (const table of dated) {
      const name = table.partition?.name as string;
      const parameters = (tables.get(table.name) as TableInput).Parameters;
      expect(parameters[`projection.${name}.type`]).toBe('date');
      expect(parameters[`projection.${name}.range`]).toBe('2009-01-03,NOW');
      expect(renderValue(parameters['storage.location.template'])).toBe(
        `s3://\${${lakeId}}/${hasManifests(table) ? `${table.location}/_symlink` : table.location}/${name}=\${${name}}/`,
      );
    }
  });

  it('stores staging tables as RFC 4180 CSV through OpenCSVSerde, with staging_id injected', () => {
    // Prepare
    const tables = glueTables();
    const staging = (Object.values(TABLES) as TableDef[]).filter((table) => table.layer === 'staging');

    // Assess
    expect(staging.length).toBe(11); // staged_targets the eleventh
    for (const table of staging) {
      const input = tables.get(table.name) as TableInput;
      expect(input.Parameters).toMatchObject({
        classification: 'csv',
        'projection.enabled': 'true',
        'projection.staging_id.type': 'injected',
      });
      expect(input.Parameters['projection.staging_id.range']).toBeUndefined();
      expect(input.StorageDescriptor).toMatchObject({
        InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        SerdeInfo: {
          SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
          Parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\u0001' },
        },
      });
      expect(input.StorageDescriptor.Columns.every((column) => column.Type === 'string')).toBe(true);
    }
  });

  it('stores every other table as Parquet: the replaced ones read through their manifests, the append-only ones by listing', () => {
    // Prepare
    const parquet = (Object.values(TABLES) as TableDef[]).filter(
      (table) => table.format === 'parquet' && table.isView !== true,
    );
    const appendOnly = parquet.filter((table) => table.appendOnly === true).map((table) => table.name);

    // Assess
    expect(appendOnly.sort()).toEqual([
      'events',
      'exposures',
      'impact_actions',
      'ingest_log',
      'ingest_partitions',
      'quarantine',
      'tracker_events',
    ]);
    for (const table of parquet) {
      expect((glueTables().get(table.name) as TableInput).StorageDescriptor).toMatchObject({
        InputFormat: hasManifests(table)
          ? 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'
          : 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        OutputFormat: hasManifests(table)
          ? 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
          : 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      });
    }
  });

  it('reads events by column name, so files written before click_at, device_id and funding_id read them as null', () => {
    // Prepare
    const events = glueTables().get('events') as TableInput;

    // Assess: Athena maps Parquet columns by name unless parquet.column.index.access is set, and a
    // column a file lacks is null; the new columns are declared like any other.
    expect(events.StorageDescriptor.SerdeInfo.Parameters?.['parquet.column.index.access']).toBeUndefined();
    expect(events.Parameters['parquet.column.index.access']).toBeUndefined();
    expect(
      events.StorageDescriptor.Columns.filter((c) =>
        ['click_at', 'device_id', 'funding_id'].includes(c.Name),
      ).map((c) => [c.Name, c.Type]),
    ).toEqual([
      ['click_at', 'timestamp'],
      ['device_id', 'string'],
      ['funding_id', 'string'],
    ]);
  });

  it('refuses a database name Athena would need quoted, and a table listed twice', () => {
    // Prepare
    const stack = new Stack(testApp(), 'Names');
    const lake = new s3.Bucket(stack, 'Lake');

    // Act and assess
    expect(() => new Catalog(stack, 'Bad', { databaseName: 'Growth-Lake', lakeBucket: lake })).toThrow(
      /databaseName must be lowercase letters, digits and _/,
    );
    expect(
      () =>
        new Catalog(stack, 'Twice', {
          databaseName: 'lake',
          lakeBucket: lake,
          tables: [TABLES.fx, TABLES.fx],
        }),
    ).toThrow('Catalog tables list fx twice; give each table once');
  });
});

describe('glueTableInput', () => {
  it('maps varchar to string and keeps the other Trino types', () => {
    // Assess
    expect(glueType('varchar')).toBe('string');
    expect(glueType('decimal(38,9)')).toBe('decimal(38,9)');
    expect(glueType('timestamp')).toBe('timestamp');
  });

  it('builds a whole Parquet table input from a registry entry', () => {
    // Prepare
    const table: TableDef = {
      name: 'daily_fees',
      layer: 'mart',
      description: 'Fees per day.',
      grain: 'one row per day',
      key: ['day'],
      columns: [
        { name: 'fees_usd', type: 'decimal(38,9)', description: 'Fees.' },
        { name: 'note', type: 'varchar', description: '' },
      ],
      partition: { name: 'run_date', type: 'date', description: 'R.' },
      location: 'marts/daily_fees',
      format: 'parquet',
    };

    // Act
    const input = glueTableInput(table, 's3://lake/marts/daily_fees/');

    // Assess
    expect(input).toEqual({
      name: 'daily_fees',
      description: 'Fees per day. Grain: one row per day.',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        EXTERNAL: 'TRUE',
        classification: 'parquet',
        'projection.enabled': 'true',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's location template syntax, not JavaScript's
        'storage.location.template': 's3://lake/marts/daily_fees/_symlink/run_date=${run_date}/',
        'projection.run_date.type': 'date',
        'projection.run_date.format': 'yyyy-MM-dd',
        'projection.run_date.range': '2009-01-03,NOW',
        'projection.run_date.interval': '1',
        'projection.run_date.interval.unit': 'DAYS',
      },
      partitionKeys: [{ name: 'run_date', type: 'date', comment: 'R.' }],
      storageDescriptor: {
        columns: [
          { name: 'fees_usd', type: 'decimal(38,9)', comment: 'Fees.' },
          { name: 'note', type: 'string' },
        ],
        location: 's3://lake/marts/daily_fees/_symlink/',
        inputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      },
    });
  });

  it('cuts column comments to the 255 characters Glue keeps', () => {
    // Prepare
    const long = 'x'.repeat(300);

    // Act
    const input = glueTableInput(
      { ...TABLES.fx, columns: [{ name: 'a', type: 'double', description: long }] },
      's3://l/fx/',
    );

    // Assess
    expect(input.storageDescriptor).toMatchObject({
      columns: [{ name: 'a', type: 'double', comment: `${'x'.repeat(252)}...` }],
    });
  });

  it('refuses to project a partition type it has no projection for', () => {
    // Act and assess
    expect(() => projectionParameters({ name: 'n', type: 'bigint', description: '' }, 's3://l/t/')).toThrow(
      'partition n has type bigint; projection is defined for date and varchar partitions only',
    );
  });
});
