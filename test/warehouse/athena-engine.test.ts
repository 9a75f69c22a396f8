import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { col, dtPartition, type TableDef } from '../../lambdas/contract/table-def.ts';
import { STAGED_EVENTS, TABLES } from '../../lambdas/contract/tables.ts';
import {
  AthenaEngine,
  type AthenaEngineOptions,
  MAX_ATHENA_SQL_BYTES,
} from '../../lambdas/warehouse/athena-engine.ts';
import { AthenaConfigError, AthenaQueryError } from '../../lambdas/warehouse/athena-errors.ts';
import { QueryError } from '../../lambdas/warehouse/errors.ts';
import { FakeAthena } from './athena-fake.ts';
import { MemoryStore } from './memory-store.ts';

const JOB = 'daily-run:2026-11-21';
const MIB = 1024 * 1024;

/** A dt-partitioned mart, like the registry's. */
const PARTNER_DAILY: TableDef = {
  name: 'partner_daily',
  layer: 'mart',
  description: 'Signups per partner and day.',
  grain: 'one row per partner and day',
  key: ['partner_id', 'dt'],
  columns: [col('partner_id', 'varchar', 'The partner.'), col('signups', 'bigint', 'Signups.')],
  partition: dtPartition('The signup day.'),
  location: 'marts/partner_daily',
  format: 'parquet',
};

/** An unpartitioned log appended to per ingest, like ingest_log. */
const LOAD_LOG: TableDef = {
  name: 'load_log',
  layer: 'quality',
  description: 'One row per load.',
  grain: 'one row per load',
  key: ['load_id'],
  columns: [col('load_id', 'varchar', 'The load.'), col('rows_loaded', 'bigint', 'Rows.')],
  location: 'quality/load_log',
  format: 'parquet',
};

const athenaMock = mockClient(AthenaClient);

afterEach(() => {
  athenaMock.reset();
});

/** An engine over a mocked client whose waits are recorded instead of slept. */
function engineWith(overrides: Partial<AthenaEngineOptions> = {}): { engine: AthenaEngine; waits: number[] } {
  const waits: number[] = [];
  const engine = new AthenaEngine({
    client: new AthenaClient({ region: 'us-east-1' }),
    store: new MemoryStore(),
    database: 'growthlake',
    workGroup: 'growthlake-pipeline',
    jobId: JOB,
    tables: [PARTNER_DAILY, LOAD_LOG],
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { engine, waits };
}

function execution(
  id: string,
  state: QueryExecutionState,
  extra: {
    reason?: string;
    category?: number;
    type?: number;
    retryable?: boolean;
    scanned?: number;
    engineMs?: number;
  } = {},
): GetQueryExecutionCommandOutput {
  return {
    $metadata: {},
    QueryExecution: {
      QueryExecutionId: id,
      StatementType: 'DML',
      WorkGroup: 'growthlake-pipeline',
      QueryExecutionContext: { Database: 'growthlake' },
      Status: {
        State: state,
        ...(extra.reason === undefined ? {} : { StateChangeReason: extra.reason }),
        ...(extra.category === undefined
          ? {}
          : {
              AthenaError: {
                ErrorCategory: extra.category,
                ErrorType: extra.type,
                Retryable: extra.retryable ?? false,
                ErrorMessage: extra.reason,
              },
            }),
      },
      Statistics:
        state === 'QUEUED' || state === 'RUNNING'
          ? { QueryQueueTimeInMillis: 120 }
          : {
              DataScannedInBytes: extra.scanned ?? 0,
              EngineExecutionTimeInMillis: extra.engineMs ?? 0,
              TotalExecutionTimeInMillis: (extra.engineMs ?? 0) + 150,
              QueryQueueTimeInMillis: 120,
            },
    },
  };
}

const USER_COLUMNS = [
  {
    Name: 'user_id',
    Label: 'user_id',
    Type: 'varchar',
    Precision: 2147483647,
    Scale: 0,
    Nullable: 'UNKNOWN',
  },
  { Name: 'trades', Label: 'trades', Type: 'bigint', Precision: 19, Scale: 0, Nullable: 'UNKNOWN' },
  { Name: 'fees_usd', Label: 'fees_usd', Type: 'double', Precision: 17, Scale: 0, Nullable: 'UNKNOWN' },
  {
    Name: 'revenue_usd',
    Label: 'revenue_usd',
    Type: 'decimal',
    Precision: 18,
    Scale: 2,
    Nullable: 'UNKNOWN',
  },
  {
    Name: 'is_kyc_verified',
    Label: 'is_kyc_verified',
    Type: 'boolean',
    Precision: 0,
    Scale: 0,
    Nullable: 'UNKNOWN',
  },
  { Name: 'signup_date', Label: 'signup_date', Type: 'date', Precision: 0, Scale: 0, Nullable: 'UNKNOWN' },
  {
    Name: 'last_trade_at',
    Label: 'last_trade_at',
    Type: 'timestamp',
    Precision: 3,
    Scale: 0,
    Nullable: 'UNKNOWN',
  },
] as const;

/** Row i of the user result: every 500th row is all null but its id. */
function userRow(i: number) {
  const id = { VarCharValue: `u_${String(i).padStart(5, '0')}` };
  if (i % 500 === 0) return { Data: [id, {}, {}, {}, {}, {}, {}] };
  const minutes = String(Math.floor(i / 60) % 60).padStart(2, '0');
  const seconds = String(i % 60).padStart(2, '0');
  return {
    Data: [
      id,
      { VarCharValue: String(i) },
      { VarCharValue: String(i * 0.25) },
      { VarCharValue: `${i}.50` },
      { VarCharValue: String(i % 2 === 0) },
      { VarCharValue: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` },
      { VarCharValue: `2026-11-21 10:${minutes}:${seconds}.000` },
    ],
  };
}

function resultsPage(from: number, to: number, header: boolean, next?: string): GetQueryResultsCommandOutput {
  const rows = Array.from({ length: to - from }, (_, k) => userRow(from + k));
  return {
    $metadata: {},
    UpdateCount: 0,
    ResultSet: {
      Rows: header
        ? [{ Data: USER_COLUMNS.map((column) => ({ VarCharValue: column.Name })) }, ...rows]
        : rows,
      ResultSetMetadata: { ColumnInfo: [...USER_COLUMNS] },
    },
    ...(next === undefined ? {} : { NextToken: next }),
  };
}

function tokensSent(): (string | undefined)[] {
  return athenaMock
    .commandCalls(StartQueryExecutionCommand)
    .map((call) => call.args[0].input.ClientRequestToken);
}

describe('AthenaEngine.query', () => {
  it('reads 2,500 typed rows over three result pages, skipping only the first page header', async () => {
    // Prepare
    const { engine } = engineWith({ outputLocation: 's3://growthlake-athena-results/pipeline/' });
    const sql =
      'select user_id, trades, fees_usd, revenue_usd, is_kyc_verified, signup_date, last_trade_at from users';
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-users' });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(execution('qe-users', 'SUCCEEDED', { scanned: 48 * MIB, engineMs: 2300 }));
    athenaMock
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-users', NextToken: undefined })
      .resolves(resultsPage(0, 999, true, 'token-page-2'))
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-users', NextToken: 'token-page-2' })
      .resolves(resultsPage(999, 1999, false, 'token-page-3'))
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-users', NextToken: 'token-page-3' })
      .resolves(resultsPage(1999, 2500, false));

    // Act
    const rows = await engine.query(sql);

    // Assess
    expect(rows).toHaveLength(2500);
    expect(rows[1]).toEqual({
      user_id: 'u_00001',
      trades: 1,
      fees_usd: 0.25,
      revenue_usd: 1.5,
      is_kyc_verified: false,
      signup_date: '2026-11-02',
      last_trade_at: '2026-11-21 10:00:01.000',
    });
    expect(rows[1000]).toEqual({
      user_id: 'u_01000',
      trades: null,
      fees_usd: null,
      revenue_usd: null,
      is_kyc_verified: null,
      signup_date: null,
      last_trade_at: null,
    });
    expect(rows[2499]).toEqual({
      user_id: 'u_02499',
      trades: 2499,
      fees_usd: 624.75,
      revenue_usd: 2499.5,
      is_kyc_verified: false,
      signup_date: '2026-11-08',
      last_trade_at: '2026-11-21 10:41:39.000',
    });
    expect(rows.map((row) => row.user_id)).toEqual(
      Array.from({ length: 2500 }, (_, i) => `u_${String(i).padStart(5, '0')}`),
    );
    const start = athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start).toEqual({
      QueryString: sql,
      ClientRequestToken: expect.stringMatching(/^[0-9a-f]{16}-[0-9a-f]{24}-[0-9a-f]{24}$/),
      QueryExecutionContext: { Database: 'growthlake' },
      WorkGroup: 'growthlake-pipeline',
      ResultConfiguration: { OutputLocation: 's3://growthlake-athena-results/pipeline/' },
    });
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)).toEqual([
      { QueryExecutionId: 'qe-users', NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: 'qe-users', NextToken: 'token-page-2', MaxResults: 1000 },
      { QueryExecutionId: 'qe-users', NextToken: 'token-page-3', MaxResults: 1000 },
    ]);
  });

  it('polls a running query with doubling waits, capped at maxPollMs', async () => {
    // Prepare
    const { engine, waits } = engineWith({ pollIntervalMs: 200, maxPollMs: 1000 });
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-slow' });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('qe-slow', 'QUEUED'))
      .resolvesOnce(execution('qe-slow', 'RUNNING'))
      .resolvesOnce(execution('qe-slow', 'RUNNING'))
      .resolvesOnce(execution('qe-slow', 'RUNNING'))
      .resolvesOnce(execution('qe-slow', 'RUNNING'))
      .resolves(execution('qe-slow', 'SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage(1, 3, true));

    // Act
    const rows = await engine.query('select * from users');

    // Assess
    expect(rows.map((row) => row.user_id)).toEqual(['u_00001', 'u_00002']);
    expect(waits).toEqual([200, 400, 800, 1000, 1000]);
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(6);
  });

  it('retries throttled calls with full-jitter backoff, starting with the same token each time', async () => {
    // Prepare
    const { engine, waits } = engineWith();
    const throttled = () =>
      new TooManyRequestsException({
        message: 'You have exceeded the limit for the number of queries you can run concurrently.',
        Reason: 'CONCURRENT_QUERY_LIMIT_EXCEEDED',
        $metadata: { httpStatusCode: 400 },
      });
    athenaMock
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ QueryExecutionId: 'qe-busy' });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('qe-busy', 'SUCCEEDED'));
    athenaMock
      .on(GetQueryResultsCommand)
      .rejectsOnce(throttled())
      .resolves(resultsPage(1, 2, true));

    // Act
    const rows = await engine.query('select * from users');

    // Assess
    expect(rows).toHaveLength(1);
    // random() = 0.5 of ceilings 500 and 1000 for the start, then 500 for the first results call
    expect(waits).toEqual([250, 500, 250]);
    const tokens = tokensSent();
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
  });

  it('gives up on a call still throttled after 8 attempts with a QueryError keeping the cause', async () => {
    // Prepare
    const { engine, waits } = engineWith();
    athenaMock
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const query = engine.query('select * from users');

    // Assess
    await expect(query).rejects.toThrow(QueryError);
    await expect(query).rejects.toMatchObject({
      message: 'Athena StartQueryExecution failed: Rate exceeded; query: select * from users',
      cause: expect.objectContaining({ name: 'TooManyRequestsException' }),
    });
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(8);
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000]);
  });

  it("surfaces a FAILED query as a QueryError carrying Athena's reason and error category", async () => {
    // Prepare
    const { engine } = engineWith();
    const reason =
      "COLUMN_NOT_FOUND: line 1:8: Column 'revenue' cannot be resolved or requester is not authorized to access requested resources";
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-bad' });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(
        execution('qe-bad', 'FAILED', { reason, category: 2, type: 1006, scanned: 0, engineMs: 180 }),
      );

    // Act
    const query = engine.query('select revenue from users');

    // Assess
    await expect(query).rejects.toThrow(QueryError);
    await expect(query).rejects.toThrow(
      `Athena query qe-bad failed: ${reason} (user error, type 1006); query: select revenue from users`,
    );
    await expect(query).rejects.toMatchObject({
      failure: {
        queryExecutionId: 'qe-bad',
        state: 'FAILED',
        reason,
        errorCategory: 2,
        errorType: 1006,
        retryable: false,
      },
    });
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('starts a query again under a new token when Athena calls its failure retryable', async () => {
    // Prepare
    const { engine } = engineWith();
    athenaMock
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'qe-first' })
      .resolves({ QueryExecutionId: 'qe-second' });
    athenaMock
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'qe-first' })
      .resolves(
        execution('qe-first', 'FAILED', {
          reason: 'INTERNAL_ERROR_QUERY_ENGINE: Amazon Athena experienced an internal error',
          category: 1,
          type: 401,
          retryable: true,
        }),
      )
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'qe-second' })
      .resolves(execution('qe-second', 'SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage(1, 2, true));

    // Act
    const rows = await engine.query('select * from users');

    // Assess
    expect(rows).toHaveLength(1);
    const tokens = tokensSent();
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(engine.executions().map((run) => [run.queryExecutionId, run.state])).toEqual([
      ['qe-first', 'FAILED'],
      ['qe-second', 'SUCCEEDED'],
    ]);
  });

  it('surfaces a CANCELLED query as a QueryError', async () => {
    // Prepare
    const { engine } = engineWith();
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-cancelled' });
    athenaMock.on(GetQueryExecutionCommand).resolves(
      execution('qe-cancelled', 'CANCELLED', {
        reason: 'Query was cancelled by the user',
        scanned: 3 * MIB,
      }),
    );

    // Act
    const query = engine.query('select * from events');

    // Assess
    await expect(query).rejects.toThrow(QueryError);
    await expect(query).rejects.toThrow(
      'Athena query qe-cancelled was cancelled: Query was cancelled by the user; query: select * from events',
    );
    await expect(query).rejects.toBeInstanceOf(AthenaQueryError);
    expect(engine.stats().bytesRead).toBe(3 * MIB);
  });

  it('derives the same token for a retried identical call within a job, and another across jobs', async () => {
    // Prepare
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-1' });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('qe-1', 'SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage(1, 2, true));
    const sql = "select count(*) as users from users where signup_date = date '2026-11-21'";
    const firstRun = engineWith().engine;
    const retriedStep = engineWith().engine;
    const nextDay = engineWith({ jobId: 'daily-run:2026-11-22' }).engine;

    // Act
    await firstRun.query(sql);
    await firstRun.query(sql);
    await retriedStep.query(sql);
    await retriedStep.query(sql);
    await nextDay.query(sql);

    // Assess
    const [first, firstAgain, retried, retriedAgain, otherJob] = tokensSent();
    expect(retried).toBe(first);
    expect(retriedAgain).toBe(firstAgain);
    expect(firstAgain).not.toBe(first);
    expect(otherJob).not.toBe(first);
    expect(otherJob).not.toBe(firstAgain);
  });

  it('accounts bytes scanned and engine time per execution and in total', async () => {
    // Prepare
    const { engine } = engineWith();
    athenaMock
      .on(StartQueryExecutionCommand, { QueryString: 'select * from events' })
      .resolves({ QueryExecutionId: 'qe-events' })
      .on(StartQueryExecutionCommand, { QueryString: 'select * from spend' })
      .resolves({ QueryExecutionId: 'qe-spend' });
    athenaMock
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'qe-events' })
      .resolves(execution('qe-events', 'SUCCEEDED', { scanned: 734_003_200, engineMs: 5120 }))
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'qe-spend' })
      .resolves(execution('qe-spend', 'SUCCEEDED', { scanned: 10_485_760, engineMs: 880 }));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage(1, 2, true));

    // Act
    await engine.query('select * from events');
    await engine.query('select * from spend');

    // Assess
    expect(engine.executions()).toEqual([
      expect.objectContaining({
        queryExecutionId: 'qe-events',
        state: 'SUCCEEDED',
        dataScannedInBytes: 734_003_200,
        engineExecutionTimeMs: 5120,
      }),
      expect.objectContaining({
        queryExecutionId: 'qe-spend',
        state: 'SUCCEEDED',
        dataScannedInBytes: 10_485_760,
        engineExecutionTimeMs: 880,
      }),
    ]);
    expect(engine.stats()).toEqual({ bytesRead: 744_488_960, elapsedMs: 6000 });
  });

  it('refuses invalid options with one clear message', () => {
    // Act
    const create = () => engineWith({ jobId: '', database: 'Growth Lake' });

    // Assess
    expect(create).toThrow(AthenaConfigError);
    expect(create).toThrow(
      'invalid Athena engine options: database: database must be a Glue database name (lowercase letters, digits, _); ' +
        "jobId: jobId must name the retryable unit of work: one run's step, such as <execution name>:transform",
    );
  });
});

/** 250 consecutive days from 2026-01-01. */
const DAYS = Array.from({ length: 250 }, (_, i) =>
  new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
);

function writeEngine(
  store: MemoryStore,
  fake: FakeAthena,
  jobId = JOB,
  tables: readonly TableDef[] = [PARTNER_DAILY, LOAD_LOG],
): AthenaEngine {
  return new AthenaEngine({
    client: fake.client,
    store,
    database: 'growthlake',
    workGroup: 'growthlake-pipeline',
    jobId,
    tables,
    sleep: async () => {},
    random: () => 0.5,
  });
}

describe('AthenaEngine.write', () => {
  it('replaces 250 partitions with three UNLOADs of at most 100 partitions each', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.put('marts/partner_daily/dt=2025-12-31/part_0.parquet', 'old, outside the replaced range');
    await store.put('marts/partner_daily/dt=2026-01-01/part_0.parquet', 'old 2026-01-01');
    await store.put('marts/partner_daily/dt=2026-01-01/part_1.parquet', 'old 2026-01-01, second file');
    await store.put('marts/partner_daily/dt=2026-09-08/part_0.parquet', 'old, replaced by nothing');
    const fake = new FakeAthena(store, { partitions: DAYS });
    const engine = writeEngine(store, fake);
    const sql =
      "select partner_id, count(*) as signups, dt from signups where dt >= date '2026-01-01' group by 1, 3";

    // Act
    await engine.write(PARTNER_DAILY, sql, {
      kind: 'replace-partitions',
      partitions: [...DAYS, '2026-09-08'],
    });

    // Assess
    expect(fake.ran[0]).toBe(`select distinct dt from (\n${sql}\n) order by 1`);
    const unloads = fake.unloads();
    expect(unloads).toHaveLength(3);
    const chunks = [DAYS.slice(0, 100), DAYS.slice(100, 200), DAYS.slice(200)];
    unloads.forEach((unload, index) => {
      const literals = chunks[index]?.map((day) => `date '${day}'`).join(', ');
      expect(unload).toMatch(
        new RegExp(
          `^unload \\(select cast\\(partner_id as varchar\\) as partner_id, cast\\(signups as bigint\\) as signups, cast\\(dt as date\\) as dt from \\(\\n[\\s\\S]*\\n\\) where dt in \\(${literals}\\)\\) ` +
            `to 's3://memory-lake/_tmp/athena/[0-9a-f]{24}/c${index}/a0/' ` +
            `with \\(format = 'PARQUET', compression = 'ZSTD', partitioned_by = ARRAY\\['dt'\\]\\)$`,
        ),
      );
    });
    expect(chunks[2]?.at(-1)).toBe('2026-09-07');
    const table = store.textsUnder('marts/partner_daily/');
    expect(Object.keys(table)).toHaveLength(251);
    expect(table['marts/partner_daily/dt=2025-12-31/part_0.parquet']).toBe('old, outside the replaced range');
    expect(table['marts/partner_daily/dt=2026-01-01/part_0.parquet']).toBe('rows of dt=2026-01-01, file 0');
    expect(table['marts/partner_daily/dt=2026-01-01/part_1.parquet']).toBeUndefined();
    expect(table['marts/partner_daily/dt=2026-09-07/part_0.parquet']).toBe('rows of dt=2026-09-07, file 0');
    expect(table['marts/partner_daily/dt=2026-09-08/part_0.parquet']).toBeUndefined();
    expect(Object.keys(store.textsUnder('_tmp/athena/'))).toEqual([
      expect.stringMatching(/^_tmp\/athena\/[0-9a-f]{24}\.placed$/),
    ]);
  });

  it("writes 8,000 literal rows as one replace in UNLOADs under Athena's statement limit", async () => {
    // Prepare: a year of forecasts for 20 partners is about this many rows, 0.5 MB as one values list.
    const store = new MemoryStore();
    await store.put('quality/load_log/part_0.parquet', 'the previous table');
    const fake = new FakeAthena(store);
    const engine = writeEngine(store, fake);
    const rows = Array.from({ length: 8000 }, (_, i) => [
      `load-${String(i).padStart(6, '0')}-of-a-long-run`,
      i,
    ]);

    // Act
    await engine.writeRows(
      LOAD_LOG,
      { columns: ['load_id', 'rows_loaded'], rows },
      { kind: 'replace-table' },
    );

    // Assess: several statements, each within the limit, and every row in exactly one of them.
    const unloads = fake.unloads();
    expect(unloads.length).toBeGreaterThan(1);
    for (const unload of unloads) expect(Buffer.byteLength(unload)).toBeLessThanOrEqual(MAX_ATHENA_SQL_BYTES);
    const loaded = unloads.flatMap((unload) =>
      [...unload.matchAll(/'(load-\d{6})-of-a-long-run'/g)].map((m) => m[1]),
    );
    expect(loaded).toEqual(rows.map(([id]) => String(id).slice(0, 11)));
    // The table is replaced once, by every UNLOAD's file; the scratch is cleared.
    expect(Object.keys(store.textsUnder('quality/load_log/'))).toEqual(
      unloads.map((_, i) => `quality/load_log/part_${i}.parquet`),
    );
    expect(Object.keys(store.textsUnder('_tmp/athena/'))).toEqual([
      expect.stringMatching(/^_tmp\/athena\/[0-9a-f]{24}\.placed$/),
    ]);
  });

  it('writes no literal rows as a typed empty select', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store);
    const engine = writeEngine(store, fake);

    // Act
    await engine.writeRows(
      LOAD_LOG,
      { columns: ['load_id', 'rows_loaded'], rows: [] },
      { kind: 'replace-table' },
    );

    // Assess
    expect(fake.unloads()).toHaveLength(1);
    expect(fake.unloads()[0]).toContain(
      'select cast(null as varchar) as load_id, cast(null as bigint) as rows_loaded where false',
    );
  });

  it('refuses a statement over 262,144 bytes with a clear error before calling Athena', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store);
    const engine = writeEngine(store, fake);
    const sql = `select ${Array.from({ length: 30_000 }, (_, i) => `${i} as c${i}`).join(', ')}`;

    // Act
    const run = engine.query(sql);

    // Assess
    await expect(run).rejects.toThrow(QueryError);
    await expect(run).rejects.toThrow(
      /^the statement has \d+ bytes of SQL and Athena takes at most 262144: select 0 as c0/,
    );
    expect(fake.ran).toEqual([]);
  });

  it('appends files named after the prefix, replacing those an interrupted attempt left', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.put('quality/load_log/abc123_0.parquet', 'left by an interrupted attempt');
    await store.put('quality/load_log/abc123_7.parquet', 'left by an interrupted attempt');
    await store.put('quality/load_log/abc1234_0.parquet', 'another load');
    await store.put('quality/load_log/fff999_0.parquet', 'another load');
    const fake = new FakeAthena(store, { filesPerPartition: 2 });
    const engine = writeEngine(store, fake);

    // Act
    await engine.write(LOAD_LOG, "select 'abc123' as load_id, 10 as rows_loaded", {
      kind: 'append',
      filePrefix: 'abc123',
    });

    // Assess
    expect(fake.ran).toHaveLength(1);
    expect(fake.ran[0]).toMatch(
      /^unload \(select cast\(load_id as varchar\) as load_id, cast\(rows_loaded as bigint\) as rows_loaded from \(\nselect 'abc123' as load_id, 10 as rows_loaded\n\)\) to 's3:\/\/memory-lake\/_tmp\/athena\/[0-9a-f]{24}\/c0\/a0\/' with \(format = 'PARQUET', compression = 'ZSTD'\)$/,
    );
    expect(store.textsUnder('quality/load_log/')).toEqual({
      'quality/load_log/abc1234_0.parquet': 'another load',
      'quality/load_log/abc123_0.parquet': 'rows of unload 1, file 0',
      'quality/load_log/abc123_1.parquet': 'rows of unload 1, file 1',
      'quality/load_log/fff999_0.parquet': 'another load',
    });
  });

  it('appends over an earlier attempt without a moment when its prefix has no rows', async () => {
    // Prepare: the earlier attempt left two files; watch the store's operations
    const store = new MemoryStore();
    await store.put('quality/load_log/abc123_0.parquet', 'left by an interrupted attempt');
    await store.put('quality/load_log/abc123_7.parquet', 'left by an interrupted attempt');
    const operations: string[] = [];
    let firstFileWhenLeftoverGoes: string | undefined;
    store.failWhen = (operation, key) => {
      operations.push(`${operation} ${key}`);
      if (operation === 'delete' && key === 'quality/load_log/abc123_7.parquet')
        firstFileWhenLeftoverGoes =
          store.textsUnder('quality/load_log/')['quality/load_log/abc123_0.parquet'];
      return false;
    };
    const engine = writeEngine(store, new FakeAthena(store, { filesPerPartition: 1 }));

    // Act
    await engine.write(LOAD_LOG, "select 'abc123' as load_id, 10 as rows_loaded", {
      kind: 'append',
      filePrefix: 'abc123',
    });

    // Assess: file 0 was replaced in place, and only the leftover beyond it was removed, after
    expect(operations).not.toContain('delete quality/load_log/abc123_0.parquet');
    expect(firstFileWhenLeftoverGoes).toBe('rows of unload 1, file 0');
    expect(store.textsUnder('quality/load_log/')).toEqual({
      'quality/load_log/abc123_0.parquet': 'rows of unload 1, file 0',
    });
  });

  it('replaces a whole partitioned table, dropping partitions the result no longer has', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.put('marts/partner_daily/dt=2026-11-19/part_0.parquet', 'old');
    await store.put('marts/partner_daily/dt=2026-11-20/part_0.parquet', 'old');
    await store.put('marts/partner_daily/stray.parquet', 'old, outside any partition');
    const fake = new FakeAthena(store, { partitions: ['2026-11-20', '2026-11-21'] });
    const engine = writeEngine(store, fake);

    // Act
    await engine.write(PARTNER_DAILY, 'select * from staged_signups', { kind: 'replace-table' });

    // Assess
    expect(store.textsUnder('marts/partner_daily/')).toEqual({
      'marts/partner_daily/dt=2026-11-20/part_0.parquet': 'rows of dt=2026-11-20, file 0',
      'marts/partner_daily/dt=2026-11-21/part_0.parquet': 'rows of dt=2026-11-21, file 0',
    });
  });

  it('completes an interrupted write on retry without running its UNLOADs again', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.put('marts/partner_daily/dt=2026-11-20/part_0.parquet', 'old');
    const fake = new FakeAthena(store, { partitions: ['2026-11-20', '2026-11-21'] });
    const sql = 'select * from staged_signups';
    const mode = { kind: 'replace-partitions', partitions: ['2026-11-20', '2026-11-21'] } as const;
    store.failWhen = (operation, key) => operation === 'copy' && key.includes('dt=2026-11-21');
    await expect(writeEngine(store, fake).write(PARTNER_DAILY, sql, mode)).rejects.toThrow(
      'injected copy failure',
    );
    store.failWhen = undefined;
    const startsBeforeRetry = athenaStarts(fake);

    // Act
    await writeEngine(store, fake).write(PARTNER_DAILY, sql, mode);

    // Assess
    expect(fake.ran).toHaveLength(2);
    expect(athenaStarts(fake)).toBeGreaterThan(startsBeforeRetry);
    expect(store.textsUnder('marts/partner_daily/')).toEqual({
      'marts/partner_daily/dt=2026-11-20/part_0.parquet': 'rows of dt=2026-11-20, file 0',
      'marts/partner_daily/dt=2026-11-21/part_0.parquet': 'rows of dt=2026-11-21, file 0',
    });
    expect(Object.keys(store.textsUnder('_tmp/athena/'))).toHaveLength(1);
  });

  it('does nothing when a finished write is run again by a retried step, but writes again in another job', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store, { partitions: ['2026-11-21'] });
    const mode = { kind: 'replace-partitions', partitions: ['2026-11-21'] } as const;
    await writeEngine(store, fake).write(PARTNER_DAILY, 'select * from staged_signups', mode);
    const startsAfterFirst = athenaStarts(fake);

    // Act
    await writeEngine(store, fake).write(PARTNER_DAILY, 'select * from staged_signups', mode);
    const startsAfterRetry = athenaStarts(fake);
    await writeEngine(store, fake, 'daily-run:2026-11-22').write(
      PARTNER_DAILY,
      'select * from staged_signups',
      mode,
    );

    // Assess
    expect(startsAfterRetry).toBe(startsAfterFirst);
    expect(fake.ran).toHaveLength(4);
  });

  it('refuses partitions outside those it may replace before unloading anything', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store, { partitions: ['2026-11-20', '2026-11-21'] });
    const engine = writeEngine(store, fake);

    // Act
    const write = engine.write(PARTNER_DAILY, 'select * from staged_signups', {
      kind: 'replace-partitions',
      partitions: ['2026-11-21'],
    });

    // Assess
    await expect(write).rejects.toThrow(
      'the query for partner_daily produced partitions it may not replace: 2026-11-20',
    );
    expect(fake.unloads()).toEqual([]);
  });

  it('refuses a partition value that is not a date before building SQL from it', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store, { partitions: ['2026-11-21', null] });
    const engine = writeEngine(store, fake);

    // Act
    const write = engine.write(PARTNER_DAILY, 'select * from staged_signups', { kind: 'replace-table' });

    // Assess
    await expect(write).rejects.toThrow(
      'the query for partner_daily produced an invalid partition: partition dt must be a YYYY-MM-DD date, got null',
    );
    expect(fake.unloads()).toEqual([]);
  });

  it('accepts every table of the real registry', () => {
    // Act
    const create = () => engineWith({ tables: Object.values(TABLES) });

    // Assess
    expect(create).not.toThrow();
  });

  it('refuses to write a CSV staging table, which UNLOAD would fill with Parquet', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store);
    const engine = writeEngine(store, fake, JOB, [STAGED_EVENTS]);

    // Act
    const write = engine.write(STAGED_EVENTS, 'select 1', { kind: 'replace-table' });

    // Assess
    await expect(write).rejects.toThrow(
      'table staged_events is stored as csv; the Athena engine writes only Parquet tables',
    );
    expect(fake.ran).toEqual([]);
  });

  it('defines a view with one CREATE OR REPLACE VIEW, and refuses to write files into it', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store);
    const view: TableDef = { ...LOAD_LOG, name: 'load_view', isView: true };
    const engine = writeEngine(store, fake, JOB, [view]);

    // Act
    await engine.defineView(view, 'select load_id, rows_loaded from load_log');
    const write = engine.write(view, 'select 1', { kind: 'replace-table' });

    // Assess
    expect(fake.ran).toEqual([
      'create or replace view load_view as select load_id, rows_loaded from (\nselect load_id, rows_loaded from load_log\n)',
    ]);
    await expect(write).rejects.toThrow('table load_view is a view; define it with defineView');
    expect(fake.ran).toHaveLength(1);
    expect(await store.list('')).toEqual([]);
  });

  it('refuses tables outside its registry', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena(store);
    const engine = writeEngine(store, fake);

    // Act
    const write = engine.write({ ...LOAD_LOG, name: 'unknown_table' }, 'select 1', { kind: 'replace-table' });

    // Assess
    await expect(write).rejects.toThrow("table unknown_table is not in the Athena engine's registry");
    expect(fake.ran).toEqual([]);
  });
});

function athenaStarts(fake: FakeAthena): number {
  return fake.mock.commandCalls(StartQueryExecutionCommand).length;
}
