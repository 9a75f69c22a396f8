import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPOSURES, INGEST_LOG } from '../../lambdas/contract/tables.ts';
import { IngestAccountingError, IngestError } from '../../lambdas/ingest/errors.ts';
import { type IngestResult, ingestFile } from '../../lambdas/ingest/ingest.ts';
import type { Engine } from '../../lambdas/warehouse/engine.ts';
import {
  failFirstWriteTo,
  ingestCounts,
  lakeFiles,
  overrideEngine,
  snapshotTables,
  type TestLake,
  testLakes,
} from './lake-helpers.ts';

const HEADER = 'campaign_id,user_id,arm,assigned_at';

/** What an exposure row holds, without the file it came from (asserted separately). */
const EXPOSURE_SQL =
  'select campaign_id, user_id, arm, assigned_at, cast(dt as varchar) as dt, source_line ' +
  'from exposures order by ingested_at, source_line';

const PARTITIONS_SQL =
  "select cast(dt as varchar) as dt, rows_accepted from ingest_partitions where kind = 'exposures' order by dt";

const newLake = testLakes();

/** Line 2 `welcome,u-1,treatment,2026-11-21T23:30:00-05:00` as stored: 04:30 UTC on the next day. */
const CROSSING_MIDNIGHT = {
  campaign_id: 'welcome',
  user_id: 'u-1',
  arm: 'treatment',
  assigned_at: '2026-11-22 04:30:00.000',
  dt: '2026-11-22',
  source_line: 2,
};

/** Ingests an exposures file with the ingest clock at `at`, so that ingests are ordered by ingested_at. */
function ingestAt(lake: TestLake, at: string, file: string): Promise<IngestResult> {
  return ingestFile({ ...lake.context, now: () => new Date(at) }, 'exposures', file);
}

/**
 * Asserts one file's counts, `[read, accepted, duplicate, quarantined]`, and that they keep the
 * contract's identity: every row read is accepted, a duplicate or quarantined.
 */
function expectCounts(r: IngestResult, expected: readonly number[]): void {
  expect(ingestCounts(r)).toEqual(expected);
  expect(r.rowsRead).toBe(r.rowsAccepted + r.rowsDuplicate + r.rowsQuarantined);
}

describe('ingestFile exposures: every valid row is stored in UTC', () => {
  it('stores each row on the UTC date of assigned_at, with the file, line and ingest it came from', async () => {
    // Prepare: 23:30 at -05:00 is 04:30 UTC the next day; 02:00 at +08:00 is 18:00 UTC the day before.
    const lake = await newLake();
    const file = await lake.writeLines('exposures.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-21T23:30:00-05:00',
      'welcome,u-2,control,2026-11-21T09:30:00Z',
      'welcome,u-3,treatment,2026-11-22T02:00:00+08:00',
      'not-registered,u-1,control,2026-11-20T12:00:00.250Z',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'exposures', file);

    // Assess
    expectCounts(result, [4, 4, 0, 0]);
    expect(await lake.rows(EXPOSURE_SQL)).toEqual([
      CROSSING_MIDNIGHT,
      {
        campaign_id: 'welcome',
        user_id: 'u-2',
        arm: 'control',
        assigned_at: '2026-11-21 09:30:00.000',
        dt: '2026-11-21',
        source_line: 3,
      },
      {
        campaign_id: 'welcome',
        user_id: 'u-3',
        arm: 'treatment',
        assigned_at: '2026-11-21 18:00:00.000',
        dt: '2026-11-21',
        source_line: 4,
      },
      {
        campaign_id: 'not-registered',
        user_id: 'u-1',
        arm: 'control',
        assigned_at: '2026-11-20 12:00:00.250',
        dt: '2026-11-20',
        source_line: 5,
      },
    ]);
    expect(await lake.rows('select distinct source_file, ingest_id, ingested_at from exposures')).toEqual([
      { source_file: file, ingest_id: result.ingestId, ingested_at: '2026-11-22 06:00:00.000' },
    ]);
    expect(await lake.rows(PARTITIONS_SQL)).toEqual([
      { dt: '2026-11-20', rows_accepted: 1 },
      { dt: '2026-11-21', rows_accepted: 2 },
      { dt: '2026-11-22', rows_accepted: 1 },
    ]);
    expect(await lake.rows('select count(*) as campaigns from campaigns')).toEqual([{ campaigns: 0 }]);
  });

  it('quarantines each invalid row with its one-line reason and stores the valid ones', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('exposures.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-21T09:30:00Z',
      'welcome,u-2,Treatment,2026-11-21T09:30:00Z',
      'welcome,u-3,holdout,2026-11-21T09:30:00Z',
      'welcome,u-4,,2026-11-21T09:30:00Z',
      'welcome,u-5,control,2026-11-21T09:30:00',
      'welcome,u-6,control,21/11/2026 09:30',
      'welcome,u-7,control,',
      'welcome,u-8,control,2026-02-29T09:30:00Z',
      'welcome,u-9,control,2026-11-21T24:00:00Z',
      'welcome,u-10,control,2026-11-21T09:30:00+05:75',
      'welcome,u-11,control,2008-12-31T23:59:59Z',
      ',u-12,control,2026-11-21T09:30:00Z',
      'welcome,,control,2026-11-21T09:30:00Z',
      '',
      'welcome,u-13,control',
      'welcome,u-14,control,2026-11-21T09:30:00+08:00',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'exposures', file);

    // Assess: lines 2-17 less the blank line 15 are 15 rows read: lines 2 and 17 stored, 13 quarantined.
    expectCounts(result, [15, 2, 0, 13]);
    const arm = '(must be treatment or control)';
    expect(await lake.rows('select line, reason from quarantine order by line')).toEqual([
      { line: 3, reason: `unknown arm "Treatment" ${arm}` },
      { line: 4, reason: `unknown arm "holdout" ${arm}` },
      { line: 5, reason: `unknown arm "" ${arm}` },
      { line: 6, reason: 'assigned_at has no UTC offset' },
      { line: 7, reason: 'assigned_at is not an RFC 3339 timestamp' },
      { line: 8, reason: 'assigned_at is not an RFC 3339 timestamp' },
      { line: 9, reason: 'assigned_at has an invalid date' },
      { line: 10, reason: 'assigned_at has an invalid time' },
      { line: 11, reason: 'assigned_at has an invalid offset' },
      { line: 12, reason: 'assigned_at is before 2009-01-03' },
      { line: 13, reason: 'campaign_id is empty' },
      { line: 14, reason: 'user_id is empty' },
      { line: 16, reason: 'has 3 fields, the header has 4' },
    ]);
    expect(await lake.rows('select user_id, assigned_at from exposures order by source_line')).toEqual([
      { user_id: 'u-1', assigned_at: '2026-11-21 09:30:00.000' },
      { user_id: 'u-14', assigned_at: '2026-11-21 01:30:00.000' },
    ]);
  });

  it('refuses a file without an arm column with a one-line IngestError, changing nothing', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('exposures.csv', [
      'campaign_id,user_id,variant,assigned_at',
      'welcome,u-1,treatment,2026-11-21T09:30:00Z',
    ]);

    // Act
    const error = await ingestFile(lake.context, 'exposures', file).catch((failure: unknown) => failure);

    // Assess
    expect(error).toBeInstanceOf(IngestError);
    expect((error as Error).message).toContain('arm');
    expect((error as Error).message).not.toMatch(/[\r\n]/);
    expect(await lakeFiles(lake.lake)).toEqual([]);
  });

  it('reads a CRM export with a byte-order mark and CRLF line ends as the same file without them', async () => {
    // Prepare
    const crm = await newLake();
    const plain = await newLake();
    const rows = [
      HEADER,
      'welcome,u-1,treatment,2026-11-21T23:30:00-05:00',
      'welcome,u-1,control,2026-11-22T01:00:00Z',
      'welcome,u-2,Control,2026-11-21T10:00:00Z',
    ];
    const crmFile = join(crm.root, 'braze-export.csv');
    await writeFile(crmFile, `\uFEFF${rows.join('\r\n')}\r\n`);
    const plainFile = await plain.writeLines('plain.csv', rows);

    // Act
    const crmResult = await ingestFile(crm.context, 'exposures', crmFile);
    const plainResult = await ingestFile(plain.context, 'exposures', plainFile);

    // Assess: line 3 repeats line 2's campaign and user (a duplicate, stored); line 4's arm is not
    // exactly "control".
    expectCounts(crmResult, [3, 1, 1, 1]);
    expectCounts(plainResult, [3, 1, 1, 1]);
    expect(await crm.rows(EXPOSURE_SQL)).toEqual([
      CROSSING_MIDNIGHT,
      {
        campaign_id: 'welcome',
        user_id: 'u-1',
        arm: 'control',
        assigned_at: '2026-11-22 01:00:00.000',
        dt: '2026-11-22',
        source_line: 3,
      },
    ]);
    expect(await plain.rows(EXPOSURE_SQL)).toEqual(await crm.rows(EXPOSURE_SQL));
    expect(await crm.rows('select line, reason, raw from quarantine')).toEqual([
      {
        line: 4,
        reason: 'unknown arm "Control" (must be treatment or control)',
        raw: 'welcome,u-2,Control,2026-11-21T10:00:00Z',
      },
    ]);
  });
});

describe('ingestFile exposures: a campaign and user seen before is a duplicate, stored all the same', () => {
  it('counts a repeat and an arm switch within one file as duplicates and stores every row', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('exposures.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-20T10:00:00Z',
      'welcome,u-2,control,2026-11-20T11:00:00Z',
      'welcome,u-1,treatment,2026-11-21T10:00:00Z',
      'welcome,u-1,control,2026-11-19T10:00:00Z',
      'win-back,u-1,control,2026-11-20T10:00:00Z',
      'welcome,u-2,control,2026-11-20T11:00:00Z',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'exposures', file);

    // Assess: lines 4 and 5 repeat (welcome, u-1) of line 2, line 5 in the other arm and with an
    // earlier assigned_at; line 7 repeats line 3 exactly. win-back is another campaign. 6 read =
    // 3 accepted (lines 2, 3, 6) + 3 duplicates + 0 quarantined; all 6 stored.
    expectCounts(result, [6, 3, 3, 0]);
    expect(
      await lake.rows('select source_line, campaign_id, user_id, arm from exposures order by source_line'),
    ).toEqual([
      { source_line: 2, campaign_id: 'welcome', user_id: 'u-1', arm: 'treatment' },
      { source_line: 3, campaign_id: 'welcome', user_id: 'u-2', arm: 'control' },
      { source_line: 4, campaign_id: 'welcome', user_id: 'u-1', arm: 'treatment' },
      { source_line: 5, campaign_id: 'welcome', user_id: 'u-1', arm: 'control' },
      { source_line: 6, campaign_id: 'win-back', user_id: 'u-1', arm: 'control' },
      { source_line: 7, campaign_id: 'welcome', user_id: 'u-2', arm: 'control' },
    ]);
    // Rows added per date: 2026-11-19 line 5; 2026-11-20 lines 2, 3, 6, 7; 2026-11-21 line 4.
    expect(await lake.rows(PARTITIONS_SQL)).toEqual([
      { dt: '2026-11-19', rows_accepted: 1 },
      { dt: '2026-11-20', rows_accepted: 4 },
      { dt: '2026-11-21', rows_accepted: 1 },
    ]);
    expect(
      await lake.rows('select rows_read, rows_accepted, rows_duplicate, rows_quarantined from ingest_log'),
    ).toEqual([{ rows_read: 6, rows_accepted: 3, rows_duplicate: 3, rows_quarantined: 0 }]);
  });

  it('counts a campaign and user an earlier file had as a duplicate, whichever arm', async () => {
    // Prepare
    const lake = await newLake();
    const first = await lake.writeLines('exposures-1.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-20T10:00:00Z',
      'welcome,u-2,control,2026-11-20T11:00:00Z',
    ]);
    const second = await lake.writeLines('exposures-2.csv', [
      HEADER,
      'welcome,u-1,control,2026-11-21T10:00:00Z',
      'welcome,u-3,treatment,2026-11-21T10:00:00Z',
      'welcome,u-3,treatment,2026-11-21T10:00:00Z',
      'win-back,u-2,control,2026-11-21T10:00:00Z',
      'welcome,u-2,control,2026-11-20T11:00:00Z',
    ]);
    const firstResult = await ingestFile(lake.context, 'exposures', first);

    // Act
    const secondResult = await ingestAt(lake, '2026-11-22T07:00:00.000Z', second);

    // Assess: in the second file, line 2 (an arm switch of u-1) and line 6 (u-2 again) repeat the
    // first file; line 4 repeats line 3. 5 read = 2 accepted (lines 3, 5) + 3 duplicates.
    expectCounts(firstResult, [2, 2, 0, 0]);
    expectCounts(secondResult, [5, 2, 3, 0]);
    expect(
      await lake.rows(
        'select ingested_at, source_line, campaign_id, user_id, arm from exposures order by ingested_at, source_line',
      ),
    ).toEqual([
      {
        ingested_at: '2026-11-22 06:00:00.000',
        source_line: 2,
        campaign_id: 'welcome',
        user_id: 'u-1',
        arm: 'treatment',
      },
      {
        ingested_at: '2026-11-22 06:00:00.000',
        source_line: 3,
        campaign_id: 'welcome',
        user_id: 'u-2',
        arm: 'control',
      },
      {
        ingested_at: '2026-11-22 07:00:00.000',
        source_line: 2,
        campaign_id: 'welcome',
        user_id: 'u-1',
        arm: 'control',
      },
      {
        ingested_at: '2026-11-22 07:00:00.000',
        source_line: 3,
        campaign_id: 'welcome',
        user_id: 'u-3',
        arm: 'treatment',
      },
      {
        ingested_at: '2026-11-22 07:00:00.000',
        source_line: 4,
        campaign_id: 'welcome',
        user_id: 'u-3',
        arm: 'treatment',
      },
      {
        ingested_at: '2026-11-22 07:00:00.000',
        source_line: 5,
        campaign_id: 'win-back',
        user_id: 'u-2',
        arm: 'control',
      },
      {
        ingested_at: '2026-11-22 07:00:00.000',
        source_line: 6,
        campaign_id: 'welcome',
        user_id: 'u-2',
        arm: 'control',
      },
    ]);
  });

  it('returns the earlier counts for bytes ingested before and changes no table or file', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('exposures.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-20T10:00:00Z',
      'welcome,u-1,control,2026-11-21T10:00:00Z',
      'welcome,u-2,arm-b,2026-11-21T10:00:00Z',
    ]);
    const copy = join(lake.root, 'renamed-copy.csv');
    await writeFile(copy, await readFile(file));
    const first = await ingestFile(lake.context, 'exposures', file);
    const tablesBefore = await snapshotTables(lake.lake.engine);
    const filesBefore = await lakeFiles(lake.lake);

    // Act
    const again = await ingestAt(lake, '2027-01-01T00:00:00Z', file);
    const renamed = await ingestFile(lake.context, 'exposures', copy);

    // Assess: 3 read = 1 accepted + 1 duplicate + 1 quarantined, the first time and every time after.
    expectCounts(first, [3, 1, 1, 1]);
    for (const repeat of [again, renamed]) {
      expect(repeat).toMatchObject({
        kind: 'exposures',
        ingestId: first.ingestId,
        rowsRead: 3,
        rowsAccepted: 1,
        rowsDuplicate: 1,
        rowsQuarantined: 1,
        alreadyIngested: true,
      });
    }
    expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
    expect(await lakeFiles(lake.lake)).toEqual(filesBefore);
    expect(tablesBefore.exposures).toHaveLength(2);
  });

  it('counts the rows of an interrupted ingest only once ingesting its file again completes it', async () => {
    // Prepare: the first file's ingest stops before its ingest_log row, the second file is ingested
    // meanwhile, then the first file again.
    const lake = await newLake();
    const interrupted = await lake.writeLines('exposures-1.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-20T10:00:00Z',
      'welcome,u-2,control,2026-11-20T11:00:00Z',
    ]);
    const meanwhile = await lake.writeLines('exposures-2.csv', [
      HEADER,
      'welcome,u-1,control,2026-11-20T12:00:00Z',
    ]);
    const crashing = { ...lake.context, engine: failFirstWriteTo(lake.lake.engine, INGEST_LOG) };
    await expect(ingestFile(crashing, 'exposures', interrupted)).rejects.toThrow(/simulated crash/);
    const meanwhileResult = await ingestAt(lake, '2026-11-22T07:00:00.000Z', meanwhile);

    // Act
    const retry = await ingestAt(lake, '2026-11-22T08:00:00.000Z', interrupted);

    // Assess: (welcome, u-1) was first completed by the second file, so the retry's line 2 is the
    // duplicate; the interrupted attempt's 2 rows were replaced, not added to: 2 + 1 rows stored.
    expectCounts(meanwhileResult, [1, 1, 0, 0]);
    expectCounts(retry, [2, 1, 1, 0]);
    expect(
      await lake.rows(
        'select ingested_at, source_line, user_id, arm from exposures order by ingested_at, source_line',
      ),
    ).toEqual([
      { ingested_at: '2026-11-22 07:00:00.000', source_line: 2, user_id: 'u-1', arm: 'control' },
      { ingested_at: '2026-11-22 08:00:00.000', source_line: 2, user_id: 'u-1', arm: 'treatment' },
      { ingested_at: '2026-11-22 08:00:00.000', source_line: 3, user_id: 'u-2', arm: 'control' },
    ]);
  });

  it('fails with the accounting error when a valid row never reaches the lake, logging nothing', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('exposures.csv', [
      HEADER,
      'welcome,u-1,treatment,2026-11-20T10:00:00Z',
      'welcome,u-2,control,2026-11-20T11:00:00Z',
      'welcome,u-1,treatment,2026-11-21T10:00:00Z',
    ]);
    const losingLine3: Engine = overrideEngine(lake.lake.engine, {
      write: (table, sql, mode) =>
        lake.lake.engine.write(
          table,
          table.name === EXPOSURES.name ? `select * from (\n${sql}\n) as stored where source_line <> 3` : sql,
          mode,
        ),
    });

    // Act
    const failure = ingestFile({ ...lake.context, engine: losingLine3 }, 'exposures', file);

    // Assess: lines 2 and 4 stored, line 4 a duplicate of line 2: 1 + 1 + 0 = 2 of the 3 rows read.
    await expect(failure).rejects.toThrow(
      new IngestAccountingError(file, { rowsRead: 3, rowsAccepted: 1, rowsDuplicate: 1, rowsQuarantined: 0 }),
    );
    expect(await lake.rows('select count(*) as logged from ingest_log')).toEqual([{ logged: 0 }]);
  });
});
