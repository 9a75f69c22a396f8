/**
 * Athena behind aws-sdk-client-mock, answering like the real service: executions go QUEUED,
 * RUNNING, then SUCCEEDED (or FAILED with Athena's reason and error codes), a repeated
 * ClientRequestToken returns the execution it started, results come in pages of at most 1000
 * rows with a header row first, StartQueryExecution can be throttled, and an UNLOAD writes its
 * files (named like Athena's) into the S3 bucket it names, on the loopback S3.
 */
import { randomUUID } from 'node:crypto';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandInput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandInput,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { Engine, SqlValue } from '../../lambdas/warehouse/engine.ts';

/** One result column as Athena describes it. */
export interface ResultColumn {
  readonly name: string;
  /** Athena's type name: `varchar`, `bigint`, `double`, `date`, `boolean`, ... */
  readonly type: string;
}

/** A SELECT's result: its columns and its rows as Athena's text values (null for SQL null). */
export interface QueryAnswer {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Answers a SELECT; undefined means no rows. */
export type Responder = (sql: string) => QueryAnswer | undefined | Promise<QueryAnswer | undefined>;

/** A query Athena fails, and how. */
export interface ScriptedFailure {
  readonly match: RegExp;
  readonly reason: string;
  /** `AthenaError.ErrorCategory`: 1 system, 2 user. @default 2 */
  readonly category?: number;
  /** `AthenaError.ErrorType`. @default 1006 */
  readonly errorType?: number;
}

/** What the fake Athena does. */
export interface ScriptedAthenaOptions {
  /** The loopback S3 that UNLOADs write into. */
  readonly s3: S3Client;
  readonly respond?: Responder;
  readonly fail?: ScriptedFailure;
  /** StartQueryExecution calls answered with TooManyRequestsException before the first succeeds. @default 0 */
  readonly throttledStarts?: number;
  /** DataScannedInBytes of each execution. @default 10 MiB */
  readonly bytesScanned?: number;
}

/** Rows of the first page after its header row, and of every later page. */
const PAGE_ROWS = 1000;

interface Execution {
  readonly id: string;
  readonly sql: string;
  polls: number;
  answer?: QueryAnswer;
}

const UNLOAD = /^unload \(([\s\S]*)\) to 's3:\/\/([^/]+)\/([^']+)' with \(([^)]*)\)$/;

/** The fake Athena and what it saw. */
export class ScriptedAthena {
  public readonly client = new AthenaClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  public readonly mock = mockClient(this.client);
  /** The SQL of every execution that started, in order (a repeated token starts nothing). */
  public readonly started: string[] = [];
  /** StartQueryExecution requests refused as throttled. */
  public throttled = 0;
  /** GetQueryResults requests, with the page token each asked for. */
  public readonly pageRequests: (string | undefined)[] = [];
  readonly #options: ScriptedAthenaOptions;
  readonly #byToken = new Map<string, string>();
  readonly #executions = new Map<string, Execution>();

  public constructor(options: ScriptedAthenaOptions) {
    this.#options = options;
    this.mock.on(StartQueryExecutionCommand).callsFake((input) => this.#start(input));
    this.mock.on(GetQueryExecutionCommand).callsFake((input) => this.#status(input));
    this.mock.on(GetQueryResultsCommand).callsFake((input) => this.#results(input));
  }

  /** The UNLOAD statements that ran. */
  public unloads(): string[] {
    return this.started.filter((sql) => sql.startsWith('unload'));
  }

  async #start(input: StartQueryExecutionCommandInput) {
    if (this.throttled < (this.#options.throttledStarts ?? 0)) {
      this.throttled += 1;
      throw new TooManyRequestsException({
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
        Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED',
      });
    }
    const token = input.ClientRequestToken as string;
    const known = this.#byToken.get(token);
    if (known !== undefined) return { QueryExecutionId: known };
    const sql = input.QueryString as string;
    const id = randomUUID();
    this.#byToken.set(token, id);
    this.#executions.set(id, { id, sql, polls: 0 });
    this.started.push(sql);
    const unload = UNLOAD.exec(sql);
    if (unload !== null) await this.#unload(unload);
    return { QueryExecutionId: id };
  }

  #status(input: GetQueryExecutionCommandInput) {
    const execution = this.#executions.get(input.QueryExecutionId as string) as Execution;
    execution.polls += 1;
    const failure = this.#options.fail;
    const failed = failure?.match.test(execution.sql) === true;
    const state =
      execution.polls === 1 ? 'QUEUED' : execution.polls === 2 ? 'RUNNING' : failed ? 'FAILED' : 'SUCCEEDED';
    const done = state === 'SUCCEEDED' || state === 'FAILED';
    return {
      QueryExecution: {
        QueryExecutionId: execution.id,
        Query: execution.sql,
        StatementType: 'DML',
        WorkGroup: 'growthlake-pipeline',
        Status: {
          State: state,
          ...(state === 'FAILED'
            ? {
                StateChangeReason: failure?.reason,
                AthenaError: {
                  ErrorCategory: failure?.category ?? 2,
                  ErrorType: failure?.errorType ?? 1006,
                  Retryable: false,
                  ErrorMessage: failure?.reason,
                },
              }
            : {}),
        },
        Statistics: done
          ? {
              DataScannedInBytes: this.#options.bytesScanned ?? 10 * 1024 * 1024,
              EngineExecutionTimeInMillis: 840,
              TotalExecutionTimeInMillis: 1120,
            }
          : {},
      },
    };
  }

  async #results(input: GetQueryResultsCommandInput) {
    this.pageRequests.push(input.NextToken);
    const execution = this.#executions.get(input.QueryExecutionId as string) as Execution;
    execution.answer ??= (await this.#options.respond?.(execution.sql)) ?? { columns: [], rows: [] };
    const { columns, rows } = execution.answer;
    const page = input.NextToken === undefined ? 0 : Number(input.NextToken.replace('page-', ''));
    const header = page === 0 ? [{ Data: columns.map((column) => ({ VarCharValue: column.name })) }] : [];
    const start = page === 0 ? 0 : PAGE_ROWS - 1 + (page - 1) * PAGE_ROWS;
    const end = page === 0 ? PAGE_ROWS - 1 : start + PAGE_ROWS;
    return {
      ResultSet: {
        Rows: [
          ...header,
          ...rows.slice(start, end).map((row) => ({
            Data: row.map((value) => (value === null ? {} : { VarCharValue: value })),
          })),
        ],
        ResultSetMetadata: {
          ColumnInfo: columns.map((column) => ({
            CatalogName: 'hive',
            Name: column.name,
            Label: column.name,
            Type: column.type,
            Nullable: 'UNKNOWN',
          })),
        },
      },
      ...(end < rows.length ? { NextToken: `page-${page + 1}` } : {}),
      UpdateCount: 0,
    };
  }

  /** Writes an UNLOAD's files: one per partition value of its `in (...)` filter, or one in all. */
  async #unload([, select = '', bucket = '', prefix = '', properties = '']: RegExpExecArray): Promise<void> {
    const partitioned = /partitioned_by = ARRAY\['(\w+)'\]/.exec(properties)?.[1];
    const name = `20261122_061500_${String(this.started.length).padStart(5, '0')}_k3qxe_${randomUUID()}`;
    const put = (key: string) =>
      this.#options.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `PAR1 ${key}` }));
    if (partitioned === undefined) {
      await put(`${prefix}${name}`);
      return;
    }
    const filter = select.slice(select.lastIndexOf(` where ${partitioned} in (`));
    for (const [, value] of filter.matchAll(/'([^']+)'/g))
      await put(`${prefix}${partitioned}=${value}/${name}`);
  }
}

/** Athena's text form of an engine value, and its type, as a result set carries them. */
function cell(value: SqlValue): { text: string | null; type: string } {
  if (value === null) return { text: null, type: 'varchar' };
  if (typeof value === 'number')
    return { text: String(value), type: Number.isInteger(value) ? 'bigint' : 'double' };
  if (typeof value === 'boolean') return { text: String(value), type: 'boolean' };
  return { text: value, type: /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'date' : 'varchar' };
}

/**
 * A responder that runs each SELECT on a local engine (DuckDB over a fixture lake, which runs the
 * same Trino SQL) and answers with its rows as Athena would print them.
 */
export function engineResponder(engine: Engine): Responder {
  return async (sql) => {
    const rows = await engine.query(sql);
    const names = Object.keys(rows[0] ?? {});
    const types = names.map((name) => {
      const known = rows.find((row) => row[name] !== null);
      if (known === undefined) return 'varchar';
      const kinds = new Set(
        rows
          .map((row) => cell(row[name] ?? null))
          .filter((c) => c.text !== null)
          .map((c) => c.type),
      );
      return kinds.has('double') ? 'double' : cell(known[name] ?? null).type;
    });
    return {
      columns: names.map((name, index) => ({ name, type: types[index] as string })),
      rows: rows.map((row) => names.map((name) => cell(row[name] ?? null).text)),
    };
  };
}
