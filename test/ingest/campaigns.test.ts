import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngestError } from '../../lambdas/ingest/errors.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import {
  FIXTURES_DIR,
  ingestCounts,
  ingestFailure,
  lakeFiles,
  snapshotTables,
  testLakes,
} from './lake-helpers.ts';

/** Three campaigns: kyc-push (every column given), ftd-bonus (defaults), vip-call (no owner, pre_days 0). */
const CAMPAIGNS_V1 = join(FIXTURES_DIR, 'campaigns-v1.csv');
/** The next snapshot: kyc-push extended, ftd-bonus changed, vip-call dropped, win-back added. */
const CAMPAIGNS_V2 = join(FIXTURES_DIR, 'campaigns-v2.csv');

const HEADER =
  'campaign_id,name,owner,start_date,end_date,window_days,pre_days,holdout_share,cost_per_treated_usd,primary_metric';

const CAMPAIGNS_SQL =
  'select campaign_id, name, owner, cast(start_date as varchar) as start_date, ' +
  'cast(end_date as varchar) as end_date, window_days, pre_days, holdout_share, cost_per_treated_usd, ' +
  'primary_metric from campaigns order by campaign_id';

const newLake = testLakes();

describe('ingestFile campaigns: the registry is a snapshot', () => {
  it('loads every column, applying the defaults to empty values', async () => {
    // Prepare
    const lake = await newLake();

    // Act
    const result = await ingestFile(lake.context, 'campaigns', CAMPAIGNS_V1);

    // Assess: ftd-bonus leaves window_days, pre_days and end_date empty (14, 30, open); vip-call
    // leaves owner and cost empty (null, 0) and turns the covariate off with pre_days 0.
    expect(ingestCounts(result)).toEqual([3, 3, 0, 0]);
    expect(await lake.rows(CAMPAIGNS_SQL)).toEqual([
      {
        campaign_id: 'ftd-bonus',
        name: 'First deposit bonus',
        owner: 'growth',
        start_date: '2026-11-10',
        end_date: null,
        window_days: 14,
        pre_days: 30,
        holdout_share: 0.2,
        cost_per_treated_usd: 5,
        primary_metric: 'ftd',
      },
      {
        campaign_id: 'kyc-push',
        name: 'KYC reminder push',
        owner: 'crm-team',
        start_date: '2026-11-01',
        end_date: '2026-11-30',
        window_days: 7,
        pre_days: 14,
        holdout_share: 0.1,
        cost_per_treated_usd: 0.02,
        primary_metric: 'kyc',
      },
      {
        campaign_id: 'vip-call',
        name: 'VIP call',
        owner: null,
        start_date: '2026-11-15',
        end_date: null,
        window_days: 30,
        pre_days: 0,
        holdout_share: 0.5,
        cost_per_treated_usd: 0,
        primary_metric: 'net_revenue_usd',
      },
    ]);
    expect(
      await lake.rows("select file, kind, rows_read, rows_accepted from ingest_log where kind = 'campaigns'"),
    ).toEqual([{ file: CAMPAIGNS_V1, kind: 'campaigns', rows_read: 3, rows_accepted: 3 }]);
  });

  it('takes the defaults for every column a header leaves out', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('campaigns-minimal.csv', [
      'primary_metric,holdout_share,start_date,campaign_id',
      'traded,0.05,2026-11-21,minimal',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'campaigns', file);

    // Assess
    expect(ingestCounts(result)).toEqual([1, 1, 0, 0]);
    expect(await lake.rows(CAMPAIGNS_SQL)).toEqual([
      {
        campaign_id: 'minimal',
        name: '',
        owner: null,
        start_date: '2026-11-21',
        end_date: null,
        window_days: 14,
        pre_days: 30,
        holdout_share: 0.05,
        cost_per_treated_usd: 0,
        primary_metric: 'traded',
      },
    ]);
  });

  it('replaces the previous registry whole, so a campaign absent from the new file disappears', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'campaigns', CAMPAIGNS_V1);

    // Act
    const result = await ingestFile(lake.context, 'campaigns', CAMPAIGNS_V2);

    // Assess
    expect(ingestCounts(result)).toEqual([3, 3, 0, 0]);
    expect(await lake.rows(CAMPAIGNS_SQL)).toEqual([
      {
        campaign_id: 'ftd-bonus',
        name: 'First deposit bonus',
        owner: 'growth',
        start_date: '2026-11-10',
        end_date: '2026-11-30',
        window_days: 21,
        pre_days: 30,
        holdout_share: 0.25,
        cost_per_treated_usd: 4.5,
        primary_metric: 'deposits_usd',
      },
      {
        campaign_id: 'kyc-push',
        name: 'KYC reminder push',
        owner: 'crm-team',
        start_date: '2026-11-01',
        end_date: '2026-12-15',
        window_days: 7,
        pre_days: 14,
        holdout_share: 0.1,
        cost_per_treated_usd: 0.02,
        primary_metric: 'kyc',
      },
      {
        campaign_id: 'win-back',
        name: 'Win-back email',
        owner: 'crm-team',
        start_date: '2026-11-20',
        end_date: null,
        window_days: 14,
        pre_days: 30,
        holdout_share: 0.15,
        cost_per_treated_usd: 0,
        primary_metric: 'active_days',
      },
    ]);
    expect(await lake.rows("select count(*) as n from campaigns where campaign_id = 'vip-call'")).toEqual([
      { n: 0 },
    ]);
  });

  it('quarantines each invalid row with its one-line reason and loads the valid ones', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('campaigns.csv', [
      HEADER,
      'ok-1,OK One,crm,2026-11-01,,,,0.1,,ftd',
      ',No Id,crm,2026-11-01,,,,0.1,,ftd',
      'bad-start,Bad Start,crm,2026-11-31,,,,0.1,,ftd',
      'no-start,No Start,crm,,,,,0.1,,ftd',
      'bad-end,Bad End,crm,2026-11-01,21/11/2026,,,0.1,,ftd',
      'end-first,End First,crm,2026-11-10,2026-11-09,,,0.1,,ftd',
      'win-0,Window 0,crm,2026-11-01,,0,,0.1,,ftd',
      'win-91,Window 91,crm,2026-11-01,,91,,0.1,,ftd',
      'win-frac,Window 1.5,crm,2026-11-01,,1.5,,0.1,,ftd',
      'pre-neg,Pre -1,crm,2026-11-01,,,-1,0.1,,ftd',
      'pre-91,Pre 91,crm,2026-11-01,,,91,0.1,,ftd',
      'h-0,Holdout 0,crm,2026-11-01,,,,0,,ftd',
      'h-1,Holdout 1,crm,2026-11-01,,,,1,,ftd',
      'h-empty,Holdout empty,crm,2026-11-01,,,,,,ftd',
      'h-pct,Holdout percent,crm,2026-11-01,,,,10%,,ftd',
      'cost-neg,Cost -1,crm,2026-11-01,,,,0.1,-1,ftd',
      'cost-text,Cost text,crm,2026-11-01,,,,0.1,free,ftd',
      'metric-case,Metric case,crm,2026-11-01,,,,0.1,,FTD',
      'metric-gmv,Metric GMV,crm,2026-11-01,,,,0.1,,gmv_usd',
      'metric-empty,Metric empty,crm,2026-11-01,,,,0.1,,',
      '',
      'short,Too Short,crm',
      'ok-2,OK Two,,2026-11-01,2026-11-01,90,90,0.999,0,deposits_usd',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'campaigns', file);

    // Assess: 22 rows read (the blank line 22 is not a row); 2 accepted, 20 quarantined.
    const metrics = 'must be one of kyc, ftd, traded, active_days, net_revenue_usd, deposits_usd';
    expect(ingestCounts(result)).toEqual([22, 2, 0, 20]);
    expect(await lake.rows('select line, reason from quarantine order by line')).toEqual([
      { line: 3, reason: 'campaign_id is empty' },
      { line: 4, reason: 'start_date: is not a calendar date' },
      { line: 5, reason: 'start_date: must be a YYYY-MM-DD date' },
      { line: 6, reason: 'end_date: must be a YYYY-MM-DD date' },
      { line: 7, reason: 'end_date is before start_date' },
      { line: 8, reason: 'window_days must be an integer from 1 to 90' },
      { line: 9, reason: 'window_days must be an integer from 1 to 90' },
      { line: 10, reason: 'window_days must be an integer from 1 to 90' },
      { line: 11, reason: 'pre_days must be an integer from 0 to 90' },
      { line: 12, reason: 'pre_days must be an integer from 0 to 90' },
      { line: 13, reason: 'holdout_share must be a number above 0 and below 1' },
      { line: 14, reason: 'holdout_share must be a number above 0 and below 1' },
      { line: 15, reason: 'holdout_share is required' },
      { line: 16, reason: 'holdout_share must be a number above 0 and below 1' },
      { line: 17, reason: 'cost_per_treated_usd must be >= 0' },
      { line: 18, reason: 'cost_per_treated_usd must be a number' },
      { line: 19, reason: `primary_metric: ${metrics}` },
      { line: 20, reason: `primary_metric: ${metrics}` },
      { line: 21, reason: `primary_metric: ${metrics}` },
      { line: 23, reason: 'has 3 fields, the header has 10' },
    ]);
    expect(await lake.rows(CAMPAIGNS_SQL)).toEqual([
      {
        campaign_id: 'ok-1',
        name: 'OK One',
        owner: 'crm',
        start_date: '2026-11-01',
        end_date: null,
        window_days: 14,
        pre_days: 30,
        holdout_share: 0.1,
        cost_per_treated_usd: 0,
        primary_metric: 'ftd',
      },
      {
        campaign_id: 'ok-2',
        name: 'OK Two',
        owner: null,
        start_date: '2026-11-01',
        end_date: '2026-11-01',
        window_days: 90,
        pre_days: 90,
        holdout_share: 0.999,
        cost_per_treated_usd: 0,
        primary_metric: 'deposits_usd',
      },
    ]);
  });

  it('keeps the later row of a campaign_id listed twice in one file, counting the earlier as a duplicate', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('campaigns.csv', [
      HEADER,
      'kyc-push,Old Name,crm,2026-11-01,,7,,0.1,,kyc',
      'ftd-bonus,First deposit bonus,growth,2026-11-10,,,,0.2,5,ftd',
      'kyc-push,New Name,crm,2026-11-02,,10,,0.3,,traded',
    ]);

    // Act
    const result = await ingestFile(lake.context, 'campaigns', file);

    // Assess: 3 read = 2 accepted + 1 duplicate (line 2, replaced by line 4).
    expect(ingestCounts(result)).toEqual([3, 2, 1, 0]);
    expect(
      await lake.rows(
        'select campaign_id, name, window_days, holdout_share, primary_metric from campaigns order by campaign_id',
      ),
    ).toEqual([
      {
        campaign_id: 'ftd-bonus',
        name: 'First deposit bonus',
        window_days: 14,
        holdout_share: 0.2,
        primary_metric: 'ftd',
      },
      {
        campaign_id: 'kyc-push',
        name: 'New Name',
        window_days: 10,
        holdout_share: 0.3,
        primary_metric: 'traded',
      },
    ]);
  });

  it.each([
    [
      'has no holdout_share column',
      ['campaign_id,start_date,primary_metric', 'c,2026-11-01,ftd'],
      'holdout_share',
    ],
    ['every row is invalid', [HEADER, 'c,C,crm,2026-11-01,,,,1,,ftd'], 'no valid row'],
    ['it has a header and no rows', [HEADER], 'no valid row'],
  ])(
    'refuses a registry that %s with a one-line IngestError and keeps the current one',
    async (_, lines, says) => {
      // Prepare
      const lake = await newLake();
      await ingestFile(lake.context, 'campaigns', CAMPAIGNS_V1);
      const file = await lake.writeLines('campaigns-broken.csv', lines);
      const tablesBefore = await snapshotTables(lake.lake.engine);
      const filesBefore = await lakeFiles(lake.lake);

      // Act
      const error = await ingestFailure(lake.context, 'campaigns', file);

      // Assess
      expect(error).toBeInstanceOf(IngestError);
      expect(error.message).toContain(file);
      expect(error.message).toContain(says);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(await snapshotTables(lake.lake.engine)).toEqual(tablesBefore);
      expect(await lakeFiles(lake.lake)).toEqual(filesBefore);
      expect(tablesBefore.campaigns).toHaveLength(3);
    },
  );
});
