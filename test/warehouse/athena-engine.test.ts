import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { col, dtPartition, type TableDef } from '../../lambdas/contract/table-def.ts';
import { STAGED_EVENTS, TABLES } from '../../lambdas/contract/tables.ts';
import {
  AthenaEngine,
  type AthenaEngineOptions,
  MAX_ATHENA_SQL_BYTES,
} from '../../lambdas/warehouse/athena-engine.ts';
import { AthenaConfigError, AthenaQueryError } from '../../lambdas/warehouse/athena-errors.ts';
import { QueryError } from '../../lambdas/warehouse/errors.ts';
import { currentFiles } from '../../lambdas/warehouse/table-files.ts';
import { FakeAthena, type FakeAthenaOptions, partitionValues, type QueryAnswer } from './athena-fake.ts';
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

/** An engine over `fake`, whose waits are recorded instead of slept. */
function engineOn(
  fake: FakeAthena,
  overrides: Partial<AthenaEngineOptions> = {},
): { engine: AthenaEngine; waits: number[] } {
  const waits: number[] = [];
  const engine = new AthenaEngine({
    client: fake.client,
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

/**
 * An engine over a new fake Athena that answers at the first poll unless told otherwise, so the
 * only waits are the ones a test is about.
 */
function engineWith(
  fakeOptions: FakeAthenaOptions = {},
  overrides: Partial<AthenaEngineOptions> = {},
): { engine: AthenaEngine; fake: FakeAthena; waits: number[] } {
  const fake = new FakeAthena({ polls: 1, ...fakeOptions });
  return { fake, ...engineOn(fake, overrides) };
}

const USER_COLUMNS = [
  { name: 'user_id', type: 'varchar' },
  { name: 'trades', type: 'bigint' },
  { name: 'fees_usd', type: 'double' },
  { name: 'revenue_usd', type: 'decimal' },
  { name: 'is_kyc_verified', type: 'boolean' },
  { name: 'signup_date', type: 'date' },
  { name: 'last_trade_at', type: 'timestamp' },
] as const;

/** Row i of the user result, as Athena's text values: every 500th row is all null but its id. */
function userRow(i: number): (string | null)[] {
  const id = `u_${String(i).padStart(5, '0')}`;
  if (i % 500 === 0) return [id, null, null, null, null, null, null];
  const minutes = String(Math.floor(i / 60) % 60).padStart(2, '0');
  const seconds = String(i % 60).padStart(2, '0');
  return [
    id,
    String(i),
    String(i * 0.25),
    `${i}.50`,
    String(i % 2 === 0),
    `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
    `2026-11-21 10:${minutes}:${seconds}.000`,
  ];
}

/** The user result of rows `from` to `to` (exclusive). */
function users(from: number, to: number): QueryAnswer {
  return { columns: USER_COLUMNS, rows: Array.from({ length: to - from }, (_, k) => userRow(from + k)) };
}

function tokensSent(fake: FakeAthena): (string | undefined)[] {
  return fake.mock
    .commandCalls(StartQueryExecutionCommand)
    .map((call) => call.args[0].input.ClientRequestToken);
}

describe('AthenaEngine.query', () => {
  it('reads 2,500 typed rows over three result pages, skipping only the first page header', async () => {
    // Prepare: Athena pages 999 rows after the header, then 1000, then the last 501.
    const { engine, fake } = engineWith(
      { respond: () => users(0, 2500) },
      { outputLocation: 's3://growthlake-athena-results/pipeline/' },
    );
    const sql =
      'select user_id, trades, fees_usd, revenue_usd, is_kyc_verified, signup_date, last_trade_at from users';

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
    const start = fake.mock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start).toEqual({
      QueryString: sql,
      ClientRequestToken: expect.stringMatching(/^[0-9a-f]{16}-[0-9a-f]{24}-[0-9a-f]{24}$/),
      QueryExecutionContext: { Database: 'growthlake' },
      WorkGroup: 'growthlake-pipeline',
      ResultConfiguration: { OutputLocation: 's3://growthlake-athena-results/pipeline/' },
    });
    const id = fake.executions[0]?.id;
    expect(fake.mock.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)).toEqual([
      { QueryExecutionId: id, NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: id, NextToken: 'page-1', MaxResults: 1000 },
      { QueryExecutionId: id, NextToken: 'page-2', MaxResults: 1000 },
    ]);
  });

  it('hands 2,500 rows over page by page from one execution (999, 1000, 501)', async () => {
    // Prepare
    const { engine, fake } = engineWith({ respond: () => users(0, 2500) });

    // Act
    const pages: string[][] = [];
    for await (const page of engine.queryBatches('select user_id from users'))
      pages.push(page.map((row) => String(row.user_id)));

    // Assess: the header row of the first page is skipped, the rows keep their order
    expect(pages.map((page) => page.length)).toEqual([999, 1000, 501]);
    expect(pages.flat()).toEqual(Array.from({ length: 2500 }, (_, i) => `u_${String(i).padStart(5, '0')}`));
    expect(fake.mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it('polls a running query with doubling waits, capped at maxPollMs', async () => {
    // Prepare: QUEUED, RUNNING four times, then SUCCEEDED
    const { engine, fake, waits } = engineWith(
      { polls: 6, respond: () => users(1, 3) },
      { pollIntervalMs: 200, maxPollMs: 1000 },
    );

    // Act
    const rows = await engine.query('select * from users');

    // Assess
    expect(rows.map((row) => row.user_id)).toEqual(['u_00001', 'u_00002']);
    expect(waits).toEqual([200, 400, 800, 1000, 1000]);
    expect(fake.mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(6);
  });

  it('retries throttled calls with full-jitter backoff, starting with the same token each time', async () => {
    // Prepare
    const { engine, fake, waits } = engineWith({
      throttledStarts: 2,
      throttledResults: 1,
      respond: () => users(1, 2),
    });

    // Act
    const rows = await engine.query('select * from users');

    // Assess
    expect(rows).toHaveLength(1);
    // random() = 0.5 of ceilings 500 and 1000 for the start, then 500 for the first results call
    expect(waits).toEqual([250, 500, 250]);
    expect(fake.throttled).toBe(3);
    const tokens = tokensSent(fake);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
  });

  it('gives up on a call still throttled after 8 attempts with a QueryError keeping the cause', async () => {
    // Prepare
    const { engine, fake, waits } = engineWith({ throttledStarts: Number.POSITIVE_INFINITY });

    // Act
    const query = engine.query('select * from users');

    // Assess
    await expect(query).rejects.toThrow(QueryError);
    await expect(query).rejects.toMatchObject({
      message: 'Athena StartQueryExecution failed: Rate exceeded; query: select * from users',
      cause: expect.objectContaining({ name: 'TooManyRequestsException' }),
    });
    expect(fake.mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(8);
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000]);
  });

  it("surfaces a FAILED query as a QueryError carrying Athena's reason and error category", async () => {
    // Prepare
    const reason =
      "COLUMN_NOT_FOUND: line 1:8: Column 'revenue' cannot be resolved or requester is not authorized to access requested resources";
    const { engine, fake } = engineWith({ fail: { match: /./, reason, category: 2, errorType: 1006 } });

    // Act
    const query = engine.query('select revenue from users');

    // Assess
    await expect(query).rejects.toThrow(QueryError);
    const id = fake.executions[0]?.id as string;
    await expect(query).rejects.toThrow(
      `Athena query ${id} failed: ${reason} (user error, type 1006); query: select revenue from users`,
    );
    await expect(query).rejects.toMatchObject({
      failure: {
        queryExecutionId: id,
        state: 'FAILED',
        reason,
        errorCategory: 2,
        errorType: 1006,
        retryable: false,
      },
    });
    expect(fake.mock.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(fake.mock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('starts a query again under a new token when Athena calls its failure retryable', async () => {
    // Prepare
    const { engine, fake } = engineWith({
      fail: {
        match: /./,
        reason: 'INTERNAL_ERROR_QUERY_ENGINE: Amazon Athena experienced an internal error',
        category: 1,
        errorType: 401,
        retryable: true,
        times: 1,
      },
      respond: () => users(1, 2),
    });

    // Act
    const rows = await engine.query('select * from users');

    // Assess
    expect(rows).toHaveLength(1);
    const tokens = tokensSent(fake);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
    const [first, second] = fake.executions.map((execution) => execution.id);
    expect(engine.executions().map((run) => [run.queryExecutionId, run.state])).toEqual([
      [first, 'FAILED'],
      [second, 'SUCCEEDED'],
    ]);
  });

  it('surfaces a CANCELLED query as a QueryError', async () => {
    // Prepare
    const { engine, fake } = engineWith({
      fail: { match: /./, reason: 'Query was cancelled by the user', state: 'CANCELLED' },
      statistics: () => ({ bytesScanned: 3 * MIB, engineMs: 0 }),
    });

    // Act
    const query = engine.query('select * from events');

    // Assess
    await expect(query).rejects.toThrow(QueryError);
    await expect(query).rejects.toThrow(
      `Athena query ${fake.executions[0]?.id} was cancelled: Query was cancelled by the user; query: select * from events`,
    );
    await expect(query).rejects.toBeInstanceOf(AthenaQueryError);
    expect(engine.stats().bytesRead).toBe(3 * MIB);
  });

  it('derives the same token for a retried identical call within a job, and another across jobs', async () => {
    // Prepare: three engines on one Athena
    const fake = new FakeAthena({ polls: 1, respond: () => users(1, 2) });
    const sql = "select count(*) as users from users where signup_date = date '2026-11-21'";
    const firstRun = engineOn(fake).engine;
    const retriedStep = engineOn(fake).engine;
    const nextDay = engineOn(fake, { jobId: 'daily-run:2026-11-22' }).engine;

    // Act
    await firstRun.query(sql);
    await firstRun.query(sql);
    await retriedStep.query(sql);
    await retriedStep.query(sql);
    await nextDay.query(sql);

    // Assess
    const [first, firstAgain, retried, retriedAgain, otherJob] = tokensSent(fake);
    expect(retried).toBe(first);
    expect(retriedAgain).toBe(firstAgain);
    expect(firstAgain).not.toBe(first);
    expect(otherJob).not.toBe(first);
    expect(otherJob).not.toBe(firstAgain);
  });

  it('accounts bytes scanned and engine time per execution and in total', async () => {
    // Prepare
    const { engine, fake } = engineWith({
      statistics: (sql) =>
        sql.includes('events')
          ? { bytesScanned: 734_003_200, engineMs: 5120 }
          : { bytesScanned: 10_485_760, engineMs: 880 },
      respond: () => users(1, 2),
    });

    // Act
    await engine.query('select * from events');
    await engine.query('select * from spend');

    // Assess
    const [events, spend] = fake.executions.map((execution) => execution.id);
    expect(engine.executions()).toEqual([
      expect.objectContaining({
        queryExecutionId: events,
        state: 'SUCCEEDED',
        dataScannedInBytes: 734_003_200,
        engineExecutionTimeMs: 5120,
      }),
      expect.objectContaining({
        queryExecutionId: spend,
        state: 'SUCCEEDED',
        dataScannedInBytes: 10_485_760,
        engineExecutionTimeMs: 880,
      }),
    ]);
    expect(engine.stats()).toEqual({ bytesRead: 744_488_960, elapsedMs: 6000 });
  });

  it('refuses invalid options with one clear message', () => {
    // Act
    const create = () => engineWith({}, { jobId: '', database: 'Growth Lake' });

    // Assess
    expect(create).toThrow(AthenaConfigError);
    expect(create).toThrow(
      'invalid Athena engine options: database: database must be a Glue database name (lowercase letters, digits, _); ' +
        "jobId: jobId must name the retryable unit of work: one run's step, such as <execution name>:transform",
    );
  });
});

/** A load log written only by appends, as the ingest writes its logs. */
const APPEND_LOG: TableDef = { ...LOAD_LOG, name: 'append_log', appendOnly: true };

/** What a reader of `table` sees: its files' texts by partition value. */
async function visibleTexts(store: MemoryStore, table: TableDef): Promise<Record<string, string[]>> {
  const texts = store.textsUnder(`${table.location}/`);
  return Object.fromEntries(
    [...(await currentFiles(store, table))].map(([value, keys]) => [
      value,
      keys.map((key) => texts[key] ?? '(missing)'),
    ]),
  );
}

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
    const fake = new FakeAthena({ lake: store, respond: partitionValues(DAYS) });
    const engine = writeEngine(store, fake);
    const sql =
      "select partner_id, count(*) as signups, dt from signups where dt >= date '2026-01-01' group by 1, 3";

    // Act
    await engine.write(PARTNER_DAILY, sql, {
      kind: 'replace-partitions',
      partitions: [...DAYS, '2026-09-08'],
    });

    // Assess
    expect(fake.started[0]).toBe(`select distinct dt from (\n${sql}\n) order by 1`);
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
    // Readers see the partition outside the range as it was, the replaced ones' new files, and no
    // 2026-09-08. The table had no manifests (an earlier release's layout): its files were adopted.
    const visible = await visibleTexts(store, PARTNER_DAILY);
    expect(Object.keys(visible)).toHaveLength(251);
    expect(visible['2025-12-31']).toEqual(['old, outside the replaced range']);
    expect(visible['2026-01-01']).toEqual(['rows of dt=2026-01-01, file 0']);
    expect(visible['2026-09-07']).toEqual(['rows of dt=2026-09-07, file 0']);
    expect(visible['2026-09-08']).toBeUndefined();
    expect(await currentFiles(store, PARTNER_DAILY)).toSatisfy((files: Map<string, string[]>) =>
      /^marts\/partner_daily\/dt=2026-01-01\/part_[0-9a-f]{24}_0\.parquet$/.test(
        files.get('2026-01-01')?.[0] ?? '',
      ),
    );
    // The replaced files are gone (the memory store keeps no write times: all are past the grace period).
    expect(Object.keys(store.textsUnder('marts/partner_daily/dt=2026-01-01/'))).toHaveLength(1);
    expect(Object.keys(store.textsUnder('marts/partner_daily/dt=2026-09-08/'))).toEqual([]);
    expect(Object.keys(store.textsUnder('_tmp/athena/'))).toEqual([
      expect.stringMatching(/^_tmp\/athena\/[0-9a-f]{24}\.placed$/),
    ]);
  });

  it("writes 8,000 literal rows as one replace in UNLOADs under Athena's statement limit", async () => {
    // Prepare: a year of forecasts for 20 partners is about this many rows, 0.5 MB as one values list.
    const store = new MemoryStore();
    await store.put('quality/load_log/part_0.parquet', 'the previous table');
    const fake = new FakeAthena({ lake: store });
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
    const files = (await currentFiles(store, LOAD_LOG)).get('') ?? [];
    expect(files).toHaveLength(unloads.length);
    for (const key of files) expect(key).toMatch(/^quality\/load_log\/part_[0-9a-f]{24}_\d+\.parquet$/);
    expect(
      Object.keys(store.textsUnder('quality/load_log/')).filter((key) => key.endsWith('.parquet')),
    ).toEqual(files);
    expect(Object.keys(store.textsUnder('_tmp/athena/'))).toEqual([
      expect.stringMatching(/^_tmp\/athena\/[0-9a-f]{24}\.placed$/),
    ]);
  });

  it('writes no literal rows as a typed empty select', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store });
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
    const fake = new FakeAthena({ lake: store });
    const engine = writeEngine(store, fake);
    const sql = `select ${Array.from({ length: 30_000 }, (_, i) => `${i} as c${i}`).join(', ')}`;

    // Act
    const run = engine.query(sql);

    // Assess
    await expect(run).rejects.toThrow(QueryError);
    await expect(run).rejects.toThrow(
      /^the statement has \d+ bytes of SQL and Athena takes at most 262144: select 0 as c0/,
    );
    expect(fake.started).toEqual([]);
  });

  it('appends files named after the prefix, replacing those an interrupted attempt left', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.put('quality/load_log/abc123_0.parquet', 'left by an interrupted attempt');
    await store.put('quality/load_log/abc123_7.parquet', 'left by an interrupted attempt');
    await store.put('quality/load_log/abc1234_0.parquet', 'another load');
    await store.put('quality/load_log/fff999_0.parquet', 'another load');
    const fake = new FakeAthena({ lake: store, filesPerPartition: 2 });
    const engine = writeEngine(store, fake, JOB, [APPEND_LOG]);

    // Act
    await engine.write(APPEND_LOG, "select 'abc123' as load_id, 10 as rows_loaded", {
      kind: 'append',
      filePrefix: 'abc123',
    });

    // Assess
    expect(fake.started).toHaveLength(1);
    expect(fake.started[0]).toMatch(
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
    const engine = writeEngine(store, new FakeAthena({ lake: store, filesPerPartition: 1 }), JOB, [
      APPEND_LOG,
    ]);

    // Act
    await engine.write(APPEND_LOG, "select 'abc123' as load_id, 10 as rows_loaded", {
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
    const fake = new FakeAthena({ lake: store, respond: partitionValues(['2026-11-20', '2026-11-21']) });
    const engine = writeEngine(store, fake);

    // Act
    await engine.write(PARTNER_DAILY, 'select * from staged_signups', { kind: 'replace-table' });

    // Assess
    expect(await visibleTexts(store, PARTNER_DAILY)).toEqual({
      '2026-11-20': ['rows of dt=2026-11-20, file 0'],
      '2026-11-21': ['rows of dt=2026-11-21, file 0'],
    });
    expect(store.textsUnder('marts/partner_daily/dt=2026-11-19/')).toEqual({});
  });

  it('completes an interrupted write on retry without running its UNLOADs again', async () => {
    // Prepare
    const store = new MemoryStore();
    await store.put('marts/partner_daily/dt=2026-11-20/part_0.parquet', 'old');
    const fake = new FakeAthena({ lake: store, respond: partitionValues(['2026-11-20', '2026-11-21']) });
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
    expect(fake.started).toHaveLength(2);
    expect(athenaStarts(fake)).toBeGreaterThan(startsBeforeRetry);
    expect(await visibleTexts(store, PARTNER_DAILY)).toEqual({
      '2026-11-20': ['rows of dt=2026-11-20, file 0'],
      '2026-11-21': ['rows of dt=2026-11-21, file 0'],
    });
    expect(Object.keys(store.textsUnder('_tmp/athena/'))).toHaveLength(1);
  });

  it('does nothing when a finished write is run again by a retried step, but writes again in another job', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store, respond: partitionValues(['2026-11-21']) });
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
    expect(fake.started).toHaveLength(4);
  });

  it('refuses partitions outside those it may replace before unloading anything', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store, respond: partitionValues(['2026-11-20', '2026-11-21']) });
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
    const fake = new FakeAthena({ lake: store, respond: partitionValues(['2026-11-21', null]) });
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
    const create = () => engineWith({}, { tables: Object.values(TABLES) });

    // Assess
    expect(create).not.toThrow();
  });

  it('refuses to write a CSV staging table, which UNLOAD would fill with Parquet', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store });
    const engine = writeEngine(store, fake, JOB, [STAGED_EVENTS]);

    // Act
    const write = engine.write(STAGED_EVENTS, 'select 1', { kind: 'replace-table' });

    // Assess
    await expect(write).rejects.toThrow(
      'table staged_events is stored as csv; only Parquet tables are written',
    );
    expect(fake.started).toEqual([]);
  });

  it('defines a view with one CREATE OR REPLACE VIEW, and refuses to write files into it', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store });
    const view: TableDef = { ...LOAD_LOG, name: 'load_view', isView: true };
    const engine = writeEngine(store, fake, JOB, [view]);

    // Act
    await engine.defineView(view, 'select load_id, rows_loaded from load_log');
    const write = engine.write(view, 'select 1', { kind: 'replace-table' });

    // Assess
    expect(fake.started).toEqual([
      'create or replace view load_view as select load_id, rows_loaded from (\nselect load_id, rows_loaded from load_log\n)',
    ]);
    await expect(write).rejects.toThrow('table load_view is a view; define it with defineView');
    expect(fake.started).toHaveLength(1);
    expect(await store.list('')).toEqual([]);
  });

  it('refuses tables outside its registry', async () => {
    // Prepare
    const store = new MemoryStore();
    const fake = new FakeAthena({ lake: store });
    const engine = writeEngine(store, fake);

    // Act
    const write = engine.write({ ...LOAD_LOG, name: 'unknown_table' }, 'select 1', { kind: 'replace-table' });

    // Assess
    await expect(write).rejects.toThrow("table unknown_table is not in the Athena engine's registry");
    expect(fake.started).toEqual([]);
  });
});

function athenaStarts(fake: FakeAthena): number {
  return fake.mock.commandCalls(StartQueryExecutionCommand).length;
}
