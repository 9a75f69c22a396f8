import { createHash } from 'node:crypto';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { z } from 'zod';
import { ATHENA_SCRATCH_PREFIX } from '../contract/lake-layout.ts';
import type { TableDef } from '../contract/tables.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import type { S3Store } from '../storage/s3-store.ts';
import { ATHENA_ERROR_CATEGORIES, AthenaConfigError, AthenaQueryError } from './athena-errors.ts';
import { pageRows } from './athena-results.ts';
import { clientRequestToken, pollDelayMs, retryThrottled } from './athena-retry.ts';
import { MAX_PARTITIONS_PER_STATEMENT, unloadStatement } from './athena-sql.ts';
import type { Engine, LiteralRows, QueryStats, Row, WriteMode } from './engine.ts';
import { QueryError } from './errors.ts';
import { chunkLiteralRows, literalRowsQuery, viewStatement } from './sql.ts';
import {
  adoptListedFiles,
  checkWriteMode,
  dataFolder,
  forEachLimited,
  isAppendedBy,
  publishFiles,
  removeSuperseded,
  replacedFiles,
} from './table-files.ts';
import {
  checkWritable,
  chunk,
  distinctPartitionsQuery,
  partitionValue,
  producedPartitions,
  tableRowsQuery,
} from './write-sql.ts';

/** How often a query Athena calls retryable (`AthenaError.Retryable`) is started again. */
export const MAX_QUERY_RESTARTS = 2;
/** Rows per GetQueryResults page: Athena's maximum. */
const RESULT_PAGE_ROWS = 1000;
/** Objects copied at once while placing a write's files. */
const COPY_CONCURRENCY = 8;
/** Athena's limit on a statement: 262,144 bytes of SQL (a quota that cannot be raised). */
export const MAX_ATHENA_SQL_BYTES = 262_144;
/** Values lists of literal rows stay under this many bytes, leaving room for the UNLOAD around them. */
export const MAX_LITERAL_SQL_BYTES = 200_000;

/**
 * The validated scalar settings of an {@link AthenaEngine}. `jobId` names one retryable unit of
 * work, such as a Step Functions execution's step (`<execution name>:transform`): a retry of that
 * unit must reuse it, and any new run, including a re-run of the same date after late data, must
 * not, or it would be answered with the earlier run's executions and skip its finished writes.
 */
export const AthenaEngineSettingsSchema = z
  .object({
    database: z
      .string()
      .regex(/^[a-z0-9_]{1,255}$/, 'database must be a Glue database name (lowercase letters, digits, _)'),
    workGroup: z.string().regex(/^[a-zA-Z0-9._-]{1,128}$/, 'workGroup must be an Athena workgroup name'),
    outputLocation: z
      .string()
      .regex(/^s3:\/\/[^/]+\/.*$/, 'outputLocation must be an s3://bucket/prefix/ URI')
      .optional(),
    jobId: z
      .string()
      .min(
        1,
        "jobId must name the retryable unit of work: one run's step, such as <execution name>:transform",
      )
      .max(256, 'jobId must be at most 256 characters'),
    pollIntervalMs: z.number().int().positive().default(250),
    maxPollMs: z.number().int().positive().default(5000),
  })
  .refine((settings) => settings.maxPollMs >= settings.pollIntervalMs, {
    message: 'maxPollMs must be at least pollIntervalMs',
    path: ['maxPollMs'],
  });

/** The scalar settings of an {@link AthenaEngine}, as the caller writes them. */
export type AthenaEngineSettings = z.input<typeof AthenaEngineSettingsSchema>;

/** The lake's store as the Athena engine needs it: an {@link ObjectStore} that can also copy within itself. */
export type AthenaLakeStore = ObjectStore & Pick<S3Store, 'copy'>;

/** What an {@link AthenaEngine} needs. */
export interface AthenaEngineOptions extends AthenaEngineSettings {
  /** The Athena client, created once per process by the caller. */
  readonly client: AthenaClient;
  /** The lake's S3 store: table files live at `store.uriOf(table.location)`. */
  readonly store: AthenaLakeStore;
  /** The table registry; only these tables can be written (the Glue catalog is derived from it). */
  readonly tables: readonly TableDef[];
  /** Waits between polls and retries; injected so tests never wait. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of backoff jitter in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** What one finished Athena query execution cost. */
export interface AthenaExecution {
  readonly queryExecutionId: string;
  readonly clientRequestToken: string;
  readonly state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  readonly dataScannedInBytes: number;
  readonly engineExecutionTimeMs: number;
}

/** The files one write produced, by partition value ('' for an unpartitioned table). */
type ProducedFiles = Map<string, string[]>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function excerpt(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * The engine on AWS: Athena over the lake in S3, reading the Glue tables the CDK app derives from
 * the same registry (partition projection, so new partitions need no catalog update).
 *
 * Retries stay idempotent. Every query start carries a {@link clientRequestToken} derived from the
 * job id, the SQL and how often this engine has started that SQL, so a Lambda step that fails and
 * runs again replays its statements onto the executions Athena already has instead of running them
 * twice. Writes UNLOAD into a scratch prefix named after the same inputs, copy into the table,
 * then record a marker, so a rerun of a finished write does nothing and a rerun of an interrupted
 * one completes it from the scratch files its UNLOADs left.
 */
export class AthenaEngine implements Engine {
  public readonly name = 'athena' as const;
  readonly #client: AthenaClient;
  readonly #store: AthenaLakeStore;
  readonly #settings: z.output<typeof AthenaEngineSettingsSchema>;
  readonly #tables: ReadonlyMap<string, TableDef>;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  /** How often each statement or write has started in this engine: the attempt part of tokens. */
  readonly #starts = new Map<string, number>();
  readonly #executions: AthenaExecution[] = [];

  public constructor(options: AthenaEngineOptions) {
    const parsed = AthenaEngineSettingsSchema.safeParse(options);
    if (!parsed.success) {
      const reasons = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      throw new AthenaConfigError(`invalid Athena engine options: ${reasons}`, { cause: parsed.error });
    }
    for (const table of options.tables) {
      try {
        checkWritable(table);
      } catch (error) {
        throw new AthenaConfigError(
          `table registry entry ${table.name} cannot be used: ${errorText(error)}`,
          {
            cause: error,
          },
        );
      }
    }
    this.#settings = parsed.data;
    this.#client = options.client;
    this.#store = options.store;
    this.#tables = new Map(options.tables.map((table) => [table.name, table]));
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
  }

  /** Every execution this engine saw finish, in order: what each query scanned and how long it ran. */
  public executions(): readonly AthenaExecution[] {
    return [...this.#executions];
  }

  /** Totals over {@link executions}: bytes scanned, and engine (not wall-clock) milliseconds. */
  public stats(): QueryStats {
    return {
      bytesRead: this.#executions.reduce((sum, execution) => sum + execution.dataScannedInBytes, 0),
      elapsedMs: this.#executions.reduce((sum, execution) => sum + execution.engineExecutionTimeMs, 0),
    };
  }

  /** Runs a SELECT and returns every row of its result, converted by column type. */
  public async query(sql: string): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of this.queryBatches(sql)) rows.push(...page);
    return rows;
  }

  /** The query's rows a result page (RESULT_PAGE_ROWS) at a time, read as they are handed over. */
  public async *queryBatches(sql: string): AsyncGenerator<Row[]> {
    const attempt = `query:${this.#nextStart(`query:${sha256(sql)}`)}`;
    const execution = await this.#runRestarting(sql, attempt);
    yield* this.#resultPages(execution);
  }

  /**
   * Writes the result of `sql` into `table` with UNLOAD statements of at most 100 partitions
   * each, then moves the files into `<location>/<partition>=<value>/` under names the mode
   * decides: `<filePrefix>_<n>.parquet` for an append, `part_<n>.parquet` for a replace.
   */
  public async write(table: TableDef, sql: string, mode: WriteMode): Promise<void> {
    await this.#writeStatements(table, [sql], mode);
  }

  /**
   * Writes literal rows as one write: values queries of at most {@link MAX_LITERAL_SQL_BYTES} each
   * (Athena refuses statements over 256 KiB), each UNLOADed into the same scratch prefix, then the
   * files placed at once, as {@link write} places one query's.
   */
  public async writeRows(table: TableDef, rows: LiteralRows, mode: WriteMode): Promise<void> {
    const chunks = chunkLiteralRows(rows, MAX_LITERAL_SQL_BYTES);
    await this.#writeStatements(
      table,
      chunks.map((chunk) => literalRowsQuery(table, chunk)),
      mode,
    );
  }

  async #writeStatements(table: TableDef, sqls: readonly string[], mode: WriteMode): Promise<void> {
    if (table.isView === true) {
      throw new QueryError(`table ${table.name} is a view; define it with defineView`);
    }
    if (!this.#tables.has(table.name)) {
      throw new QueryError(
        `table ${table.name} is not in the Athena engine's registry, so no Glue table reads it`,
      );
    }
    checkWriteMode(table, mode);
    if (mode.kind === 'append' && !/^[A-Za-z0-9_-]{1,128}$/.test(mode.filePrefix)) {
      throw new QueryError(
        `append filePrefix must be letters, digits, _ and - (got ${JSON.stringify(mode.filePrefix)})`,
      );
    }
    const identity = JSON.stringify([table.name, mode, ...sqls.map(sha256)]);
    const writeId = sha256(
      `${this.#settings.jobId}\n${identity}\n${this.#nextStart(`write:${identity}`)}`,
    ).slice(0, 24);
    const scratch = `${ATHENA_SCRATCH_PREFIX}/${writeId}`;
    const marker = `${ATHENA_SCRATCH_PREFIX}/${writeId}.placed`;
    if ((await this.#store.get(marker)) !== undefined) {
      // An earlier run of this job finished this write; it may have stopped while clearing up.
      await this.#store.deletePrefix(scratch);
      return;
    }

    const produced: ProducedFiles = new Map();
    for (const [index, sql] of sqls.entries()) {
      // One statement keeps the layout of a plain write; several each get a part of the scratch.
      const part =
        sqls.length === 1
          ? { scratch, writeId }
          : { scratch: `${scratch}/r${index}`, writeId: `${writeId}:r${index}` };
      const files =
        table.partition === undefined
          ? await this.#unloadWhole(table, sql, part.scratch, part.writeId)
          : await this.#unloadPartitioned(table, sql, mode, part.scratch, part.writeId);
      for (const [group, keys] of files) produced.set(group, [...(produced.get(group) ?? []), ...keys]);
    }
    await this.#place(table, mode, produced, writeId);
    await this.#store.put(marker, `${identity}\n`);
    await this.#store.deletePrefix(scratch);
  }

  /**
   * `create or replace view` in the catalog: Athena swaps the definition in one DDL statement,
   * which scans nothing.
   */
  public async defineView(table: TableDef, sql: string): Promise<void> {
    if (!this.#tables.has(table.name)) {
      throw new QueryError(`table ${table.name} is not in the Athena engine's registry`);
    }
    const statement = viewStatement(table, sql);
    await this.#runRestarting(statement, `view:${this.#nextStart(`view:${sha256(statement)}`)}`);
  }

  /** Partition projection makes new prefixes visible to Athena without a catalog update. */
  public async refresh(_table: TableDef): Promise<void> {}

  /** The Athena client belongs to the caller, so there is nothing to close. */
  public async close(): Promise<void> {}

  #nextStart(key: string): number {
    const count = this.#starts.get(key) ?? 0;
    this.#starts.set(key, count + 1);
    return count;
  }

  async #unloadWhole(table: TableDef, sql: string, scratch: string, writeId: string): Promise<ProducedFiles> {
    const { keys } = await this.#unload(
      tableRowsQuery(table, sql),
      `${scratch}/c0`,
      undefined,
      `${writeId}:c0`,
    );
    return new Map([['', keys]]);
  }

  async #unloadPartitioned(
    table: TableDef,
    sql: string,
    mode: WriteMode,
    scratch: string,
    writeId: string,
  ): Promise<ProducedFiles> {
    const partition = table.partition as NonNullable<TableDef['partition']>;
    const distinct = await this.#runRestarting(
      distinctPartitionsQuery(table, sql),
      `write:${writeId}:partitions`,
    );
    const values = producedPartitions(table, await this.#results(distinct));
    if (mode.kind === 'replace-partitions') {
      const allowed = new Set(mode.partitions.map((value) => partitionValue(partition, value)));
      const outside = values.filter((value) => !allowed.has(value));
      if (outside.length > 0) {
        throw new QueryError(
          `the query for ${table.name} produced partitions it may not replace: ${outside.slice(0, 3).join(', ')}`,
        );
      }
    }
    const produced: ProducedFiles = new Map();
    const pattern = new RegExp(`^${partition.name}=([^/]+)/[^/]+$`);
    for (const [index, group] of chunk(values, MAX_PARTITIONS_PER_STATEMENT).entries()) {
      const select = tableRowsQuery(table, sql, group);
      const { root, keys } = await this.#unload(
        select,
        `${scratch}/c${index}`,
        partition.name,
        `${writeId}:c${index}`,
      );
      const expected = new Set(group);
      for (const key of keys) {
        const value = pattern.exec(key.slice(root.length + 1))?.[1];
        if (value === undefined || !expected.has(value)) {
          throw new QueryError(`UNLOAD for ${table.name} wrote an unexpected file ${this.#store.uriOf(key)}`);
        }
        produced.set(value, [...(produced.get(value) ?? []), key]);
      }
    }
    return produced;
  }

  /**
   * Runs one UNLOAD into `<chunkKey>/a<attempt>/` and lists what it wrote. UNLOAD needs an empty
   * target and leaves partial files when it fails, so each restart writes to a fresh attempt prefix.
   */
  async #unload(
    select: string,
    chunkKey: string,
    partitionColumn: string | undefined,
    label: string,
  ): Promise<{ root: string; keys: string[] }> {
    for (let attempt = 0; ; attempt++) {
      const root = `${chunkKey}/a${attempt}`;
      const statement = unloadStatement(select, `${this.#store.uriOf(root)}/`, partitionColumn);
      try {
        await this.#execute(statement, `unload:${label}:${attempt}`);
      } catch (error) {
        if (error instanceof AthenaQueryError && error.failure.retryable && attempt < MAX_QUERY_RESTARTS)
          continue;
        throw error;
      }
      const keys = (await this.#store.list(root)).map((object) => object.key).sort();
      return { root, keys };
    }
  }

  /**
   * Places the produced files. An append copies them in under its prefix's names (see
   * {@link placeAppended}); a replacement copies them in under names of this write and then
   * publishes each replaced partition's manifest (see table-files.ts). Copies are deterministic
   * (same scratch file, same name), so running this again after an interruption ends in the same
   * table.
   */
  async #place(table: TableDef, mode: WriteMode, produced: ProducedFiles, writeId: string): Promise<void> {
    if (mode.kind === 'append') {
      await this.#placeAppended(table, mode.filePrefix, produced);
      return;
    }
    const current = await adoptListedFiles(this.#store, table);
    const copies = [...produced].flatMap(([group, keys]) =>
      keys.map((from, index) => ({
        group,
        from,
        to: `${dataFolder(table, group)}/part_${writeId}_${index}.parquet`,
      })),
    );
    await forEachLimited(copies, COPY_CONCURRENCY, ({ from, to }) => this.#store.copy(from, to));
    const written = new Map<string, string[]>();
    for (const { group, to } of copies) written.set(group, [...(written.get(group) ?? []), to]);
    const published = replacedFiles(table, mode, current, written);
    await publishFiles(this.#store, table, published);
    await removeSuperseded(this.#store, table, published);
  }

  /**
   * Adds an append's files as `<filePrefix>_<n>.parquet`. It writes an earlier attempt's rows again:
   * copied over its files first (S3 replaces an object at once), readers never find the prefix
   * without them; then what the attempt left beyond the new files goes.
   */
  async #placeAppended(table: TableDef, filePrefix: string, produced: ProducedFiles): Promise<void> {
    const earlier = (await this.#store.list(table.location))
      .map((object) => object.key)
      .filter((key) => isAppendedBy(key, filePrefix));
    const copies = [...produced].flatMap(([group, keys]) =>
      keys.map((from, index) => ({ from, to: `${dataFolder(table, group)}/${filePrefix}_${index}.parquet` })),
    );
    await forEachLimited(copies, COPY_CONCURRENCY, ({ from, to }) => this.#store.copy(from, to));
    const written = new Set(copies.map((copy) => copy.to));
    await this.#store.delete(earlier.filter((key) => !written.has(key)));
  }

  /** Runs `sql` to completion, starting it again under the next attempt label while Athena calls its failure retryable. */
  async #runRestarting(sql: string, attempt: string): Promise<QueryExecution> {
    for (let restart = 0; ; restart++) {
      try {
        return await this.#execute(sql, `${attempt}:${restart}`);
      } catch (error) {
        if (error instanceof AthenaQueryError && error.failure.retryable && restart < MAX_QUERY_RESTARTS)
          continue;
        throw error;
      }
    }
  }

  /** Starts `sql` under the token of `attempt` and polls it until it succeeds; FAILED and CANCELLED throw. */
  async #execute(sql: string, attempt: string): Promise<QueryExecution> {
    const bytes = Buffer.byteLength(sql, 'utf8');
    if (bytes > MAX_ATHENA_SQL_BYTES) {
      throw new QueryError(
        `the statement has ${bytes} bytes of SQL and Athena takes at most ${MAX_ATHENA_SQL_BYTES}: ${excerpt(sql)}`,
      );
    }
    const token = clientRequestToken(this.#settings.jobId, sql, attempt);
    const { outputLocation } = this.#settings;
    const started = await this.#call('StartQueryExecution', sql, () =>
      this.#client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ClientRequestToken: token,
          QueryExecutionContext: { Database: this.#settings.database },
          WorkGroup: this.#settings.workGroup,
          ...(outputLocation === undefined
            ? {}
            : { ResultConfiguration: { OutputLocation: outputLocation } }),
        }),
      ),
    );
    const id = started.QueryExecutionId;
    if (id === undefined) throw new QueryError(`Athena started no execution for: ${excerpt(sql)}`);

    for (let poll = 0; ; poll++) {
      const { QueryExecution: execution } = await this.#call('GetQueryExecution', sql, () =>
        this.#client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') {
        this.#executions.push({
          queryExecutionId: id,
          clientRequestToken: token,
          state,
          dataScannedInBytes: execution?.Statistics?.DataScannedInBytes ?? 0,
          engineExecutionTimeMs: execution?.Statistics?.EngineExecutionTimeInMillis ?? 0,
        });
      }
      if (state === 'SUCCEEDED') return execution as QueryExecution;
      if (state === 'FAILED' || state === 'CANCELLED')
        throw this.#failure(id, state, execution as QueryExecution, sql);
      await this.#sleep(pollDelayMs(poll, this.#settings.pollIntervalMs, this.#settings.maxPollMs));
    }
  }

  #failure(
    id: string,
    state: 'FAILED' | 'CANCELLED',
    execution: QueryExecution,
    sql: string,
  ): AthenaQueryError {
    const reason = execution.Status?.StateChangeReason;
    const error = execution.Status?.AthenaError;
    const category = error?.ErrorCategory;
    const details = [
      category === undefined ? undefined : `${ATHENA_ERROR_CATEGORIES[category] ?? category} error`,
      error?.ErrorType === undefined ? undefined : `type ${error.ErrorType}`,
    ].filter((part) => part !== undefined);
    const verb = state === 'FAILED' ? 'failed' : 'was cancelled';
    return new AthenaQueryError(
      `Athena query ${id} ${verb}: ${reason ?? 'no reason given'}${details.length > 0 ? ` (${details.join(', ')})` : ''}; query: ${excerpt(sql)}`,
      {
        queryExecutionId: id,
        state,
        reason,
        errorCategory: category,
        errorType: error?.ErrorType,
        retryable: error?.Retryable === true,
      },
    );
  }

  /** Reads every page of a finished SELECT's result, dropping the header row Athena puts first. */
  async #results(execution: QueryExecution): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const page of this.#resultPages(execution)) rows.push(...page);
    return rows;
  }

  async *#resultPages(execution: QueryExecution): AsyncGenerator<Row[]> {
    const id = execution.QueryExecutionId as string;
    const sql = execution.Query ?? id;
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await this.#call('GetQueryResults', sql, () =>
        this.#client.send(
          new GetQueryResultsCommand({
            QueryExecutionId: id,
            NextToken: nextToken,
            MaxResults: RESULT_PAGE_ROWS,
          }),
        ),
      );
      const columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const rows = pageRows(page.ResultSet?.Rows ?? [], columns, first);
      first = false;
      nextToken = page.NextToken;
      if (rows.length > 0) yield rows;
    } while (nextToken !== undefined);
  }

  /** One Athena API call, retried while throttled; other failures become a QueryError naming the call. */
  async #call<T>(operation: string, sql: string, send: () => Promise<T>): Promise<T> {
    try {
      return await retryThrottled(send, { sleep: this.#sleep, random: this.#random });
    } catch (error) {
      throw new QueryError(`Athena ${operation} failed: ${errorText(error)}; query: ${excerpt(sql)}`, {
        cause: error,
      });
    }
  }
}
