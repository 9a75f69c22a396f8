/**
 * The Glue catalog of the lake: one database and one table per registry table, derived from the
 * registry (no crawlers, no MSCK REPAIR: partitions are projected).
 */
import { Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLES, type TableDef } from '../lambdas/contract/tables.ts';
import { glueTableInput } from './glue-table.ts';
import { acknowledge, wildcardResource } from './nag.ts';

/** Properties of {@link Catalog}. */
export interface CatalogProps {
  /** The Glue database name; the Lambdas and analysts query `<database>.<table>`. */
  readonly databaseName: string;
  /** The bucket whose root holds the tables at their registry locations. */
  readonly lakeBucket: s3.IBucket;
  /**
   * The tables to define.
   * @default - every table of the registry (`lambdas/contract/tables.ts`)
   */
  readonly tables?: readonly TableDef[];
}

/** The construct id of a table's CfnTable, e.g. `CohortLtvTable`: stable as long as the table's name is. */
function tableId(name: string): string {
  return `${name.replace(/(^|_)([a-z0-9])/g, (_, __, letter: string) => letter.toUpperCase())}Table`;
}

/** The Glue database and its tables. */
export class Catalog extends Construct {
  public readonly database: glue.CfnDatabase;
  public readonly databaseName: string;
  /** The registry's views, which the pipeline defines (see {@link grantDefineViews}). */
  public readonly viewNames: readonly string[];
  /** The CfnTable of each registry table that is not a view, by table name. */
  public readonly tables: ReadonlyMap<string, glue.CfnTable>;

  public constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9_]{0,254}$/.test(props.databaseName)) {
      throw new Error(
        `Catalog databaseName must be lowercase letters, digits and _, starting with a letter (got "${props.databaseName}"); Athena and the engine only accept such names`,
      );
    }
    const definitions = props.tables ?? Object.values(TABLES);
    const names = new Set<string>();
    for (const table of definitions) {
      if (names.has(table.name))
        throw new Error(`Catalog tables list ${table.name} twice; give each table once`);
      names.add(table.name);
    }
    this.databaseName = props.databaseName;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: {
        name: props.databaseName,
        description: 'growthlake: curated inputs, state, marts and data-quality tables of the growth lake',
      },
    });
    const tables = new Map<string, glue.CfnTable>();
    // A view has no files: the pipeline defines it in the catalog with CREATE OR REPLACE VIEW.
    this.viewNames = definitions.filter((table) => table.isView === true).map((table) => table.name);
    for (const table of definitions.filter((t) => t.isView !== true)) {
      const cfnTable = new glue.CfnTable(this, tableId(table.name), {
        catalogId: Stack.of(this).account,
        databaseName: props.databaseName,
        tableInput: glueTableInput(table, props.lakeBucket.s3UrlForObject(`${table.location}/`)),
      });
      cfnTable.node.addDependency(this.database);
      tables.set(table.name, cfnTable);
    }
    this.tables = tables;
  }

  /** The ARN of the account's Glue catalog. */
  public get catalogArn(): string {
    return Stack.of(this).formatArn({ service: 'glue', resource: 'catalog' });
  }

  /** The ARN of the database. */
  public get databaseArn(): string {
    return Stack.of(this).formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: this.databaseName,
    });
  }

  /** The ARN of one table, or of every table of the database for `*`. */
  public tableArn(name: string): string {
    return Stack.of(this).formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${this.databaseName}/${name}`,
    });
  }

  /**
   * Lets `grantee` create and replace the registry's views, as Athena's CREATE OR REPLACE VIEW
   * does in the catalog: only those table entries.
   */
  public grantDefineViews(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
      resourceArns: [this.catalogArn, this.databaseArn, ...this.viewNames.map((name) => this.tableArn(name))],
    });
  }

  /**
   * Lets `grantee` read table definitions, as Athena needs to query them: of the named tables, or
   * of every table of the database by default.
   */
  public grantRead(grantee: iam.IGrantable, tableNames?: readonly string[]): iam.Grant {
    const tableArns =
      tableNames === undefined ? [this.tableArn('*')] : tableNames.map((name) => this.tableArn(name));
    if (tableNames === undefined && Construct.isConstruct(grantee)) {
      acknowledge(grantee, {
        [wildcardResource(grantee, this.tableArn('*'))]:
          'Read-only definitions of every table of this one database, which the pipeline queries.',
      });
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'glue:GetDatabase',
        'glue:GetDatabases',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
      ],
      resourceArns: [this.catalogArn, this.databaseArn, ...tableArns],
    });
  }
}
