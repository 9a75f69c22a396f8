/**
 * The one fake Athena of the tests: an AthenaClient behind aws-sdk-client-mock that keeps the
 * promises the Athena engine relies on. Executions go QUEUED, RUNNING, then SUCCEEDED (or FAILED
 * or CANCELLED with Athena's reason and error codes); a repeated ClientRequestToken returns the
 * execution it started without running it again; results come in pages of at most 1000 rows with
 * a header row first; calls can be throttled; and an UNLOAD writes hive-partitioned files, named
 * like Athena's, under its TO location in the lake's store.
 */
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
import { mockClient } from 'aws-sdk-client-mock';
import type { ObjectStore } from '../../lambdas/storage/object-store.ts';
import type { Engine, SqlValue } from '../../lambdas/warehouse/engine.ts';

/** One result column as Athena describes it. */
export interface ResultColumn {
  readonly name: string;
  /** Athena's type name: `varchar`, `bigint`, `double`, `decimal`, `date`, `timestamp`, `boolean`, ... */
  readonly type: string;
}

/** A SELECT's result: its columns and its rows as Athena's text values (null for SQL null). */
export interface QueryAnswer {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Answers a SELECT; undefined means no rows. */
export type Responder = (sql: string) => QueryAnswer | undefined | Promise<QueryAnswer | undefined>;

/** Executions that do not succeed, and how they end. */
export interface ScriptedFailure {
  readonly match: RegExp;
  readonly reason: string;
  /** @default 'FAILED' */
  readonly state?: 'FAILED' | 'CANCELLED';
  /** `AthenaError.ErrorCategory` of a FAILED execution: 1 system, 2 user. @default 2 */
  readonly category?: number;
  /** `AthenaError.ErrorType` of a FAILED execution. @default 1006 */
  readonly errorType?: number;
  /** `AthenaError.Retryable` of a FAILED execution. @default false */
  readonly retryable?: boolean;
  /** How many executions of matching SQL end this way; later ones succeed. @default every one */
  readonly times?: number;
}

/** What an execution reports in its `Statistics` once it has ended. */
export interface ExecutionStatistics {
  readonly bytesScanned: number;
  readonly engineMs: number;
}

/** What the fake Athena does. */
export interface FakeAthenaOptions {
  /** The lake's store, which UNLOADs write their files into. @default none: an UNLOAD fails */
  readonly lake?: Pick<ObjectStore, 'uriOf' | 'put'>;
  /** Answers each SELECT. @default no rows */
  readonly respond?: Responder;
  readonly fail?: ScriptedFailure;
  /** StartQueryExecution calls refused as throttled before one is accepted. @default 0 */
  readonly throttledStarts?: number;
  /** GetQueryResults calls refused as throttled before one is answered. @default 0 */
  readonly throttledResults?: number;
  /**
   * GetQueryExecution calls until an execution has ended: the first answers QUEUED, the next
   * ones RUNNING, the last its end state. @default 3
   */
  readonly polls?: number;
  /** The statistics of each execution. @default 10 MiB scanned in 840 ms */
  readonly statistics?: (sql: string) => ExecutionStatistics;
  /** Files an UNLOAD writes per partition (or in all, unpartitioned). @default 1 */
  readonly filesPerPartition?: number;
  /**
   * The text of each file an UNLOAD writes, from its SELECT, its partition (`dt=2026-11-21`, or
   * `''` unpartitioned) and the file's number. @default `rows of <partition>, file <n>`
   */
  readonly unloadBody?: (select: string, partition: string, file: number) => string;
}

/** One execution the fake started. */
export interface FakeExecution {
  readonly id: string;
  readonly sql: string;
}

interface ExecutionState extends FakeExecution {
  readonly failure: ScriptedFailure | undefined;
  polls: number;
  answer?: QueryAnswer;
}

/** Rows of the first page after its header row, and of every later page. */
const PAGE_ROWS = 1000;

const DEFAULT_STATISTICS: ExecutionStatistics = { bytesScanned: 10 * 1024 * 1024, engineMs: 840 };

const UNLOAD = /^unload \(([\s\S]*)\) to '(s3:\/\/[^']+)' with \(([^)]*)\)$/;

const throttled = () =>
  new TooManyRequestsException({
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded',
    Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED',
  });

/** The fake Athena and what it saw. */
export class FakeAthena {
  /** The client to hand the code under test. */
  public readonly client = new AthenaClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  /** The mock behind {@link client}, for asserting the calls it received. */
  public readonly mock = mockClient(this.client);
  /** Every execution that started, in order (a repeated token starts nothing). */
  public readonly executions: FakeExecution[] = [];
  /** Calls refused as throttled. */
  public throttled = 0;
  /** GetQueryResults requests, with the page token each asked for. */
  public readonly pageRequests: (string | undefined)[] = [];
  readonly #options: FakeAthenaOptions;
  readonly #byToken = new Map<string, string>();
  readonly #byId = new Map<string, ExecutionState>();
  readonly #failed = new Map<ScriptedFailure, number>();
  #throttledStarts = 0;
  #throttledResults = 0;

  public constructor(options: FakeAthenaOptions = {}) {
    this.#options = options;
    this.mock.on(StartQueryExecutionCommand).callsFake((input) => this.#start(input));
    this.mock.on(GetQueryExecutionCommand).callsFake((input) => this.#status(input));
    this.mock.on(GetQueryResultsCommand).callsFake((input) => this.#results(input));
  }

  /** The SQL of every execution that started, in order. */
  public get started(): string[] {
    return this.executions.map((execution) => execution.sql);
  }

  /** The UNLOAD statements that ran. */
  public unloads(): string[] {
    return this.started.filter((sql) => sql.startsWith('unload'));
  }

  async #start(input: StartQueryExecutionCommandInput) {
    if (this.#throttledStarts < (this.#options.throttledStarts ?? 0)) {
      this.#throttledStarts += 1;
      this.throttled += 1;
      throw throttled();
    }
    const token = input.ClientRequestToken as string;
    const known = this.#byToken.get(token);
    if (known !== undefined) return { QueryExecutionId: known };
    const sql = input.QueryString as string;
    const id = `2f1c7d4e-0000-4000-8000-${String(this.executions.length).padStart(12, '0')}`;
    this.#byToken.set(token, id);
    this.#byId.set(id, { id, sql, failure: this.#failureOf(sql), polls: 0 });
    this.executions.push({ id, sql });
    const unload = UNLOAD.exec(sql);
    if (unload !== null) await this.#unload(unload);
    return { QueryExecutionId: id };
  }

  /** The scripted failure a new execution of `sql` ends with, if any is left. */
  #failureOf(sql: string): ScriptedFailure | undefined {
    const failure = this.#options.fail;
    if (failure === undefined || !failure.match.test(sql)) return undefined;
    const failedSoFar = this.#failed.get(failure) ?? 0;
    if (failedSoFar >= (failure.times ?? Number.POSITIVE_INFINITY)) return undefined;
    this.#failed.set(failure, failedSoFar + 1);
    return failure;
  }

  #status(input: GetQueryExecutionCommandInput) {
    const execution = this.#byId.get(input.QueryExecutionId as string) as ExecutionState;
    execution.polls += 1;
    const { failure } = execution;
    const ended = execution.polls >= (this.#options.polls ?? 3);
    const endState = failure === undefined ? 'SUCCEEDED' : (failure.state ?? 'FAILED');
    const state = ended ? endState : execution.polls === 1 ? 'QUEUED' : 'RUNNING';
    const statistics = (this.#options.statistics ?? (() => DEFAULT_STATISTICS))(execution.sql);
    return {
      QueryExecution: {
        QueryExecutionId: execution.id,
        Query: execution.sql,
        StatementType: 'DML',
        WorkGroup: 'growthlake-pipeline',
        Status: {
          State: state,
          ...(ended && failure !== undefined ? { StateChangeReason: failure.reason } : {}),
          ...(state === 'FAILED'
            ? {
                AthenaError: {
                  ErrorCategory: failure?.category ?? 2,
                  ErrorType: failure?.errorType ?? 1006,
                  Retryable: failure?.retryable ?? false,
                  ErrorMessage: failure?.reason,
                },
              }
            : {}),
        },
        Statistics: ended
          ? {
              DataScannedInBytes: statistics.bytesScanned,
              EngineExecutionTimeInMillis: statistics.engineMs,
              TotalExecutionTimeInMillis: statistics.engineMs + 280,
            }
          : {},
      },
    };
  }

  async #results(input: GetQueryResultsCommandInput) {
    this.pageRequests.push(input.NextToken);
    if (this.#throttledResults < (this.#options.throttledResults ?? 0)) {
      this.#throttledResults += 1;
      this.throttled += 1;
      throw throttled();
    }
    const execution = this.#byId.get(input.QueryExecutionId as string) as ExecutionState;
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

  /** Writes an UNLOAD's files: per partition value of its `in (...)` filter, or in all. */
  async #unload([, select = '', location = '', properties = '']: RegExpExecArray): Promise<void> {
    const lake = this.#options.lake;
    const root = lake?.uriOf('');
    if (lake === undefined || root === undefined || !location.startsWith(root)) {
      throw new Error(`the fake Athena has no lake store to UNLOAD into ${location}`);
    }
    const prefix = location.slice(root.length);
    const n = this.executions.length;
    const files = this.#options.filesPerPartition ?? 1;
    const fileName = (i: number) => `20261121_101500_${String(n).padStart(5, '0')}_fake${i}_b8e3c2a1`;
    const partitioned = /partitioned_by = ARRAY\['(\w+)'\]/.exec(properties)?.[1];
    const body = this.#options.unloadBody;
    if (partitioned === undefined) {
      for (let i = 0; i < files; i++)
        await lake.put(`${prefix}${fileName(i)}`, body?.(select, '', i) ?? `rows of unload ${n}, file ${i}`);
      return;
    }
    const filter = select.slice(select.lastIndexOf(` where ${partitioned} in (`));
    for (const [, value] of filter.matchAll(/'([^']+)'/g)) {
      for (let i = 0; i < files; i++) {
        await lake.put(
          `${prefix}${partitioned}=${value}/${fileName(i)}`,
          body?.(select, `${partitioned}=${value}`, i) ?? `rows of ${partitioned}=${value}, file ${i}`,
        );
      }
    }
  }
}

/** A responder answering every SELECT with one `dt` column of these values (`select distinct dt ...`). */
export function partitionValues(values: readonly (string | null)[]): Responder {
  return () => ({ columns: [{ name: 'dt', type: 'date' }], rows: values.map((value) => [value]) });
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
