import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type IngestResult, ingestFile } from '../../lambdas/ingest/ingest.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import {
  expectUsd,
  FIXTURES_DIR,
  lakeFiles,
  openTestLake,
  snapshotTables,
  type TestLake,
} from './lake-helpers.ts';

/** EUR 1.08 / GBP 1.27 on 2026-11-20, EUR 1.10 / GBP 1.25 on 2026-11-21. */
const FX_FIXTURE = join(FIXTURES_DIR, 'fx-2026-11.csv');
/** The first delivery: 7 rows, 6 keys (line 7 restates line 2 within the file). */
const SPEND_A = join(FIXTURES_DIR, 'spend-network-a.csv');
/** A later delivery restating two keys of 2026-11-20. */
const SPEND_B = join(FIXTURES_DIR, 'spend-network-b.csv');

const HEADER = 'date,partner_id,spend,currency,cost_type,campaign_id,impressions,clicks';

const opened: TestLake[] = [];
async function newLake(): Promise<TestLake> {
  const lake = await openTestLake();
  opened.push(lake);
  return lake;
}

afterEach(async () => {
  for (const lake of opened.splice(0)) await lake.close();
});

const counts = (r: IngestResult) => [r.rowsRead, r.rowsAccepted, r.rowsDuplicate, r.rowsQuarantined];

/** sum(spend_usd) per date, as [date, total] pairs in date order. */
async function totalsByDate(lake: TestLake): Promise<[string, number][]> {
  const rows = await lake.rows(
    'select cast(dt as varchar) as dt, sum(spend_usd) as spend_usd from spend group by dt order by dt',
  );
  return rows.map((row) => [String(row.dt), Number(row.spend_usd)]);
}

function expectTotals(actual: [string, number][], expected: [string, number][]): void {
  expect(actual.map(([date]) => date)).toEqual(expected.map(([date]) => date));
  actual.forEach(([, total], index) => {
    expectUsd(total, (expected[index] as [string, number])[1]);
  });
}

/** The spend rows without spend_usd (checked to 1e-9 separately) and without the ingest time. */
async function spendRows(lake: TestLake): Promise<{ rows: Row[]; usd: number[] }> {
  const rows = await lake.rows(
    'select cast(spend_date as varchar) as spend_date, partner_id, campaign_id, cost_type, spend_original, ' +
      'currency, usd_per_unit, spend_usd, source_file, source_line from spend ' +
      'order by spend_date, partner_id, campaign_id, cost_type',
  );
  return {
    rows: rows.map(({ spend_usd: _, ...rest }) => rest),
    usd: rows.map((row) => Number(row.spend_usd)),
  };
}

describe('ingestFile spend: FX conversion', () => {
  it('converts EUR and GBP with the rate of their own date, lowercase currency included', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'fx', FX_FIXTURE);

    // Act
    const result = await ingestFile(lake.context, 'spend', SPEND_A);

    // Assess
    expect(counts(result)).toEqual([7, 6, 1, 0]);
    const { rows, usd } = await spendRows(lake);
    const a = { source_file: SPEND_A };
    expect(rows).toEqual([
      {
        spend_date: '2026-11-20',
        partner_id: 'aff-one',
        campaign_id: '',
        cost_type: 'flat',
        spend_original: 120.5,
        currency: 'USD',
        usd_per_unit: 1,
        source_line: 7,
        ...a,
      },
      {
        spend_date: '2026-11-20',
        partner_id: 'aff-one',
        campaign_id: 'bf-2026',
        cost_type: 'cpc',
        spend_original: 250,
        currency: 'EUR',
        usd_per_unit: 1.08,
        source_line: 3,
        ...a,
      },
      {
        spend_date: '2026-11-20',
        partner_id: 'kol-two',
        campaign_id: '',
        cost_type: 'flat',
        spend_original: 80,
        currency: 'GBP',
        usd_per_unit: 1.27,
        source_line: 4,
        ...a,
      },
      {
        spend_date: '2026-11-20',
        partner_id: 'kol-two',
        campaign_id: 'launch',
        cost_type: 'flat',
        spend_original: 30,
        currency: 'USD',
        usd_per_unit: 1,
        source_line: 5,
        ...a,
      },
      {
        spend_date: '2026-11-21',
        partner_id: 'aff-one',
        campaign_id: 'bf-2026',
        cost_type: 'cpc',
        spend_original: 200,
        currency: 'EUR',
        usd_per_unit: 1.1,
        source_line: 6,
        ...a,
      },
      {
        spend_date: '2026-11-21',
        partner_id: 'kol-two',
        campaign_id: '',
        cost_type: 'flat',
        spend_original: 40,
        currency: 'GBP',
        usd_per_unit: 1.25,
        source_line: 8,
        ...a,
      },
    ]);
    // 120.5; 250 * 1.08; 80 * 1.27; 30; 200 * 1.10; 40 * 1.25
    [120.5, 270, 101.6, 30, 220, 50].forEach((expected, index) => {
      expectUsd(usd[index], expected);
    });
    expectTotals(await totalsByDate(lake), [
      ['2026-11-20', 522.1],
      ['2026-11-21', 270],
    ]);
    expect(
      await lake.rows(
        "select impressions, clicks from spend where campaign_id = 'bf-2026' order by spend_date",
      ),
    ).toEqual([
      { impressions: 40000, clicks: 800 },
      { impressions: 30000, clicks: 600 },
    ]);
  });

  it('quarantines a row whose currency has no rate on its date, naming the currency and the date', async () => {
    // Prepare
    const lake = await newLake();
    const fx = await lake.writeLines('fx.csv', [
      'date,currency,usd_per_unit',
      '2026-11-19,EUR,1.07',
      '2026-11-21,EUR,1.10',
      '2026-11-20,GBP,1.27',
    ]);
    const spend = await lake.writeLines('spend.csv', [
      HEADER,
      '2026-11-20,aff-one,100,EUR,flat,,,',
      '2026-11-20,kol-two,100,GBP,flat,,,',
      '2026-11-20,cnt-three,100,USD,flat,,,',
      '2026-11-20,aff-one,5,JPY,cpc,,,',
    ]);
    await ingestFile(lake.context, 'fx', fx);

    // Act
    const result = await ingestFile(lake.context, 'spend', spend);

    // Assess
    expect(counts(result)).toEqual([4, 2, 0, 2]);
    expect(await lake.rows('select file, line, reason, raw from quarantine order by line')).toEqual([
      {
        file: spend,
        line: 2,
        reason: 'no FX rate for EUR on 2026-11-20',
        raw: '2026-11-20,aff-one,100,EUR,flat,,,',
      },
      {
        file: spend,
        line: 5,
        reason: 'no FX rate for JPY on 2026-11-20',
        raw: '2026-11-20,aff-one,5,JPY,cpc,,,',
      },
    ]);
    expect(await lake.rows('select partner_id, currency from spend order by partner_id')).toEqual([
      { partner_id: 'cnt-three', currency: 'USD' },
      { partner_id: 'kol-two', currency: 'GBP' },
    ]);
    // 100 * 1.27 + 100
    expectTotals(await totalsByDate(lake), [['2026-11-20', 227]]);
  });

  it('quarantines every non-USD row when no FX file was ingested, and converts USD at 1', async () => {
    // Prepare
    const lake = await newLake();

    // Act
    const result = await ingestFile(lake.context, 'spend', SPEND_A);

    // Assess
    expect(counts(result)).toEqual([7, 2, 1, 4]);
    expect(await lake.rows('select line, reason from quarantine order by line')).toEqual([
      { line: 3, reason: 'no FX rate for EUR on 2026-11-20' },
      { line: 4, reason: 'no FX rate for GBP on 2026-11-20' },
      { line: 6, reason: 'no FX rate for EUR on 2026-11-21' },
      { line: 8, reason: 'no FX rate for GBP on 2026-11-21' },
    ]);
    expectTotals(await totalsByDate(lake), [['2026-11-20', 150.5]]);
  });

  it('converts with the rate a later FX file restated for that date', async () => {
    // Prepare
    const lake = await newLake();
    const restatedFx = await lake.writeLines('fx-restated.csv', [
      'date,currency,usd_per_unit',
      '2026-11-20,EUR,1.09',
    ]);
    const spend = await lake.writeLines('spend.csv', [HEADER, '2026-11-20,aff-one,100,EUR,flat,,,']);
    await ingestFile(lake.context, 'fx', FX_FIXTURE);
    await ingestFile(lake.context, 'fx', restatedFx);

    // Act
    await ingestFile(lake.context, 'spend', spend);

    // Assess
    expect(await lake.rows('select usd_per_unit from spend')).toEqual([{ usd_per_unit: 1.09 }]);
    expectTotals(await totalsByDate(lake), [['2026-11-20', 109]]);
  });
});

describe('ingestFile spend: restatements by (date, partner_id, campaign_id, cost_type)', () => {
  it('replaces the keys a later file restates instead of adding them twice', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'fx', FX_FIXTURE);
    const first = await ingestFile(lake.context, 'spend', SPEND_A);

    // Act
    const second = await ingestFile(lake.context, 'spend', SPEND_B);

    // Assess
    expect(counts(second)).toEqual([2, 2, 0, 0]);
    // 2026-11-20: 120.5 + 300 * 1.08 + 90 * 1.27 + 30; 2026-11-21 untouched: 220 + 50
    expectTotals(await totalsByDate(lake), [
      ['2026-11-20', 588.8],
      ['2026-11-21', 270],
    ]);
    expect(await lake.rows('select count(*) as keys from spend')).toEqual([{ keys: 6 }]);
    expect(
      await lake.rows(
        'select partner_id, campaign_id, spend_original, currency, source_file, source_line ' +
          "from spend where spend_date = date '2026-11-20' and source_file <> '" +
          SPEND_A.replaceAll("'", "''") +
          "' order by partner_id",
      ),
    ).toEqual([
      {
        partner_id: 'aff-one',
        campaign_id: 'bf-2026',
        spend_original: 300,
        currency: 'EUR',
        source_file: SPEND_B,
        source_line: 2,
      },
      {
        partner_id: 'kol-two',
        campaign_id: '',
        spend_original: 90,
        currency: 'GBP',
        source_file: SPEND_B,
        source_line: 3,
      },
    ]);
    expect(
      await lake.rows(
        "select impressions, clicks from spend where campaign_id = 'bf-2026' order by spend_date",
      ),
    ).toEqual([
      { impressions: 45000, clicks: 900 },
      { impressions: 30000, clicks: 600 },
    ]);
    expect(
      await lake.rows(
        'select ingest_id, cast(dt as varchar) as dt, rows_accepted from ingest_partitions order by ingest_id, dt',
      ),
    ).toEqual(
      [
        { ingest_id: first.ingestId, dt: '2026-11-20', rows_accepted: 4 },
        { ingest_id: first.ingestId, dt: '2026-11-21', rows_accepted: 2 },
        { ingest_id: second.ingestId, dt: '2026-11-20', rows_accepted: 2 },
      ].sort((x, y) => (x.ingest_id + x.dt < y.ingest_id + y.dt ? -1 : 1)),
    );
  });

  it('keeps a restatement when the original bytes are ingested again, changing nothing', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'fx', FX_FIXTURE);
    const first = await ingestFile(lake.context, 'spend', SPEND_A);
    await ingestFile(lake.context, 'spend', SPEND_B);
    const tablesBefore = await snapshotTables(lake.lake.engine);
    const filesBefore = await lakeFiles(lake.lake);

    // Act
    const again = await ingestFile(lake.context, 'spend', SPEND_A);

    // Assess
    expect(again.alreadyIngested).toBe(true);
    expect(again.ingestId).toBe(first.ingestId);
    expect(first.ingestId).toBe(
      createHash('sha256')
        .update(await readFile(SPEND_A))
        .digest('hex'),
    );
    expect(counts(again)).toEqual(counts(first));
    expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
    expect(await lakeFiles(lake.lake)).toEqual(filesBefore);
    expectTotals(await totalsByDate(lake), [
      ['2026-11-20', 588.8],
      ['2026-11-21', 270],
    ]);
  });

  it('lets the last line of a key win within one file, whatever its currency', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'fx', FX_FIXTURE);
    const spend = await lake.writeLines('spend.csv', [
      HEADER,
      '2026-11-20,aff-one,100,EUR,cpa,c-1,,',
      '2026-11-21,aff-one,10,USD,cpa,c-1,,',
      '2026-11-20,aff-one,200,USD,cpa,c-1,,',
      '2026-11-20,aff-one,150,GBP,cpa,c-1,,',
      '2026-11-20,aff-one,-1,USD,cpa,c-1,,',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'spend', spend);

    // Assess
    // Lines 2 and 4 are superseded by line 5; line 6 is invalid and supersedes nothing.
    expect(counts(result)).toEqual([5, 2, 2, 1]);
    expect(
      await lake.rows(
        'select cast(spend_date as varchar) as d, spend_original, currency, source_line from spend order by d',
      ),
    ).toEqual([
      { d: '2026-11-20', spend_original: 150, currency: 'GBP', source_line: 5 },
      { d: '2026-11-21', spend_original: 10, currency: 'USD', source_line: 3 },
    ]);
    // 150 * 1.27; 10
    expectTotals(await totalsByDate(lake), [
      ['2026-11-20', 190.5],
      ['2026-11-21', 10],
    ]);
  });

  it('keys empty and set campaign_id apart, and reads an empty cost_type as flat and currency as USD', async () => {
    // Prepare
    const lake = await newLake();
    const first = await lake.writeLines('first.csv', [
      HEADER,
      '2026-11-20,aff-one,10,,,,,',
      '2026-11-20,aff-one,20,USD,flat,c-1,,',
      '2026-11-20,aff-one,30,USD,cpc,,,',
      '2026-11-20,aff-two,40,USD,flat,,,',
    ]);
    const second = await lake.writeLines('second.csv', [HEADER, '2026-11-20,aff-one,15,USD,flat,,,']);
    const firstResult = await ingestFile(lake.context, 'spend', first);

    // Act
    const secondResult = await ingestFile(lake.context, 'spend', second);

    // Assess
    expect(counts(firstResult)).toEqual([4, 4, 0, 0]);
    expect(counts(secondResult)).toEqual([1, 1, 0, 0]);
    expect(
      await lake.rows(
        'select partner_id, campaign_id, cost_type, currency, usd_per_unit, spend_usd from spend ' +
          'order by partner_id, campaign_id, cost_type',
      ),
    ).toEqual([
      {
        partner_id: 'aff-one',
        campaign_id: '',
        cost_type: 'cpc',
        currency: 'USD',
        usd_per_unit: 1,
        spend_usd: 30,
      },
      {
        partner_id: 'aff-one',
        campaign_id: '',
        cost_type: 'flat',
        currency: 'USD',
        usd_per_unit: 1,
        spend_usd: 15,
      },
      {
        partner_id: 'aff-one',
        campaign_id: 'c-1',
        cost_type: 'flat',
        currency: 'USD',
        usd_per_unit: 1,
        spend_usd: 20,
      },
      {
        partner_id: 'aff-two',
        campaign_id: '',
        cost_type: 'flat',
        currency: 'USD',
        usd_per_unit: 1,
        spend_usd: 40,
      },
    ]);
    // 15 + 20 + 30 + 40, not 10 + 15 + ...
    expectTotals(await totalsByDate(lake), [['2026-11-20', 105]]);
  });

  it('reads newline-delimited JSON spend with the same fields and restates CSV keys with it', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'fx', FX_FIXTURE);
    await ingestFile(lake.context, 'spend', SPEND_A);
    const ndjson = await lake.writeLines('spend.ndjson', [
      JSON.stringify({
        date: '2026-11-20',
        partner_id: 'kol-two',
        spend: 12.5,
        currency: 'GBP',
        cost_type: 'cpm',
        campaign_id: 'c-7',
        impressions: 10000,
        clicks: 0,
      }),
      JSON.stringify({
        date: '2026-11-21',
        partner_id: 'aff-one',
        spend: '100',
        currency: 'EUR',
        cost_type: 'cpc',
        campaign_id: 'bf-2026',
      }),
      '',
      JSON.stringify({
        date: '2026-11-22',
        partner_id: 'new-one',
        spend: 7,
        campaign_id: null,
        extra: 'ignored',
      }),
      JSON.stringify({ date: '2026-11-22', spend: 1 }),
      '[1, 2]',
      JSON.stringify({ date: '2026-11-22', partner_id: 'new-one', spend: -3 }),
    ]);

    // Act
    const result = await ingestFile(lake.context, 'spend', ndjson);

    // Assess
    expect(counts(result)).toEqual([6, 3, 0, 3]);
    expect(await lake.rows('select line, reason from quarantine order by line')).toEqual([
      { line: 5, reason: 'partner_id is required' },
      { line: 6, reason: 'not a JSON object' },
      { line: 7, reason: 'spend must be >= 0' },
    ]);
    expect(
      await lake.rows(
        'select cast(spend_date as varchar) as d, partner_id, campaign_id, cost_type, currency, impressions, clicks, source_line ' +
          `from spend where source_file = '${ndjson.replaceAll("'", "''")}' order by d, partner_id`,
      ),
    ).toEqual([
      {
        d: '2026-11-20',
        partner_id: 'kol-two',
        campaign_id: 'c-7',
        cost_type: 'cpm',
        currency: 'GBP',
        impressions: 10000,
        clicks: 0,
        source_line: 1,
      },
      {
        d: '2026-11-21',
        partner_id: 'aff-one',
        campaign_id: 'bf-2026',
        cost_type: 'cpc',
        currency: 'EUR',
        impressions: null,
        clicks: null,
        source_line: 2,
      },
      {
        d: '2026-11-22',
        partner_id: 'new-one',
        campaign_id: '',
        cost_type: 'flat',
        currency: 'USD',
        impressions: null,
        clicks: null,
        source_line: 4,
      },
    ]);
    // 2026-11-20: 522.1 + 12.5 * 1.27 (a new key); 2026-11-21: 100 * 1.10 replaces 220, + 50; 2026-11-22: 7
    expectTotals(await totalsByDate(lake), [
      ['2026-11-20', 537.975],
      ['2026-11-21', 160],
      ['2026-11-22', 7],
    ]);
  });

  it('quarantines invalid rows with their reasons and counts, keeping the valid row', async () => {
    // Prepare
    const lake = await newLake();
    const spend = await lake.writeLines('invalid.csv', [
      HEADER,
      '2026-02-30,aff-one,10,USD,flat,,,',
      '2026-11-20,aff-one,-10,USD,flat,,,',
      '2026-11-20,,10,USD,flat,,,',
      '2026-11-20,aff-one,10,USD,flat,,100,2.5',
      '2026-11-20,aff-one,10,USD,flat,,,',
      '2026-11-20,aff-one,10,USD,weekly,,,',
      '',
      '2026-11-20,aff-one,10,USD',
      '2026-11-20,aff-two,abc,USD,flat,,,',
      '2026-11-20,aff-two,5,EURO,flat,,,',
      '20-11-2026,aff-two,5,USD,flat,,,',
      '2026-11-20,aff-two,5,USD,flat,,-1,',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'spend', spend);

    // Assess
    expect(counts(result)).toEqual([11, 1, 0, 10]);
    const quarantine = await lake.rows('select line, reason from quarantine order by line');
    expect(quarantine.map((row) => row.line)).toEqual([2, 3, 4, 5, 7, 9, 10, 11, 12, 13]);
    const reasons = quarantine.map((row) => String(row.reason));
    expect(reasons[0]).toMatch(/^date\b.*calendar date/);
    expect(reasons.slice(1, 4)).toEqual([
      'spend must be >= 0',
      'partner_id is empty',
      'clicks must be an integer >= 0',
    ]);
    expect(reasons[4]).toBe('cost_type must be one of flat, cpa, cpc, cpm, other');
    expect(reasons[5]).toBe('has 4 fields, the header has 8');
    expect(reasons[6]).toMatch(/^spend\b/);
    expect(reasons[7]).toBe('currency must be a 3-letter ISO 4217 code');
    expect(reasons[8]).toMatch(/^date\b.*YYYY-MM-DD/);
    expect(reasons[9]).toBe('impressions must be an integer >= 0');
    for (const reason of reasons) expect(reason).not.toMatch(/[\r\n]/);
    expect(await lake.rows('select source_line, spend_usd from spend')).toEqual([
      { source_line: 6, spend_usd: 10 },
    ]);
  });
});

describe('ingestFile spend: impressions and clicks', () => {
  // docs/contract.md, Spend: "impressions, clicks: optional integers >= 0"; the spend table documents them as
  // "when the partner reports them". An empty CSV field is not a report of zero.
  it('stores empty impressions and clicks as null, not 0', async () => {
    // Prepare
    const lake = await newLake();
    const spend = await lake.writeLines('spend.csv', [
      HEADER,
      '2026-11-20,aff-one,10,USD,cpc,c-1,5000,40',
      '2026-11-20,aff-one,10,USD,flat,,,',
    ]);

    // Act
    await ingestFile(lake.context, 'spend', spend);

    // Assess
    expect(await lake.rows('select cost_type, impressions, clicks from spend order by cost_type')).toEqual([
      { cost_type: 'cpc', impressions: 5000, clicks: 40 },
      { cost_type: 'flat', impressions: null, clicks: null },
    ]);
  });
});
