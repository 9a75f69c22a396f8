/**
 * The tracker tables a run builds and the Impact spend that flows into the marts (docs/contract.md,
 * Tracking tools), on the scenario of scenario.ts. Every expected value is worked out beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { type TransformReport, transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { expectUsd, openTestLake, type TestLake } from '../ingest/lake-helpers.ts';
import { writeScenario } from './scenario.ts';

const RECONCILIATION_COLUMNS =
  'source, partner_id, window_days, tracker_signups, platform_signups, matched_users, tracker_only_users, ' +
  'platform_only_users, conflicting_users, tracker_ftds, platform_ftds, payout_usd, signup_gap_rate, status';

/** A reconciliation row in the column order of the table, run_date left out. */
function reconciled(
  source: string,
  partnerId: string,
  windowDays: number,
  counts: [number, number, number, number, number, number, number, number],
  payoutUsd: number | null,
  gap: number | null,
  status: string,
): Row {
  const [tracker, platform, matched, trackerOnly, platformOnly, conflicting, trackerFtds, platformFtds] =
    counts;
  return {
    source,
    partner_id: partnerId,
    window_days: windowDays,
    tracker_signups: tracker,
    platform_signups: platform,
    matched_users: matched,
    tracker_only_users: trackerOnly,
    platform_only_users: platformOnly,
    conflicting_users: conflicting,
    tracker_ftds: trackerFtds,
    platform_ftds: platformFtds,
    payout_usd: payoutUsd,
    signup_gap_rate: gap,
    status,
  };
}

/** Both windows of a partner: every sign-up and FTD of the scenario is within 7 days of R. */
const bothWindows =
  (...args: Parameters<typeof reconciled> extends [string, string, number, ...infer Rest] ? Rest : never) =>
  (source: string, partnerId: string): Row[] =>
    [7, 30].map((days) => reconciled(source, partnerId, days, ...args));

async function reconciliationOf(lake: TestLake, runDate: string): Promise<Row[]> {
  const rows = await lake.rows(
    `select ${RECONCILIATION_COLUMNS} from tracker_reconciliation where run_date = date '${runDate}' order by source, partner_id, window_days`,
  );
  // Gap rates are fractions like 1/3: rounded, so the expectations can be written as such.
  return rows.map((row) => ({
    ...row,
    signup_gap_rate:
      row.signup_gap_rate === null ? null : Math.round(Number(row.signup_gap_rate) * 1e9) / 1e9,
    payout_usd: row.payout_usd === null ? null : Math.round(Number(row.payout_usd) * 1e9) / 1e9,
  }));
}

const third = Math.round((1 / 3) * 1e9) / 1e9;

describe('tracker tables and Impact spend through a run', () => {
  let lake: TestLake;
  let files: Record<string, string>;
  let firstRun: TransformReport;
  let secondRun: TransformReport;
  const before: Record<string, Row[]> = {};

  beforeAll(async () => {
    lake = await openTestLake();
    files = await writeScenario(lake.root);
    for (const [kind, file] of [
      ['fx', 'fx'],
      ['partners', 'partners'],
      ['events', 'events'],
      ['spend', 'spend'],
      ['tracker-map', 'mapV1'],
      ['appsflyer', 'appsflyer1'],
      ['appsflyer', 'appsflyer2'],
      ['adjust', 'adjust'],
      ['impact', 'impact1'],
    ] as const) {
      await ingestFile(lake.context, kind, files[file] as string);
    }
    firstRun = await transformAndMeasure(lake.lake.engine, '2026-11-21');
    before.spend = await lake.rows(
      'select partner_id, cast(spend_date as varchar) as spend_date, spend_usd from spend_daily order by partner_id, spend_date',
    );
    before.reconciliation = await reconciliationOf(lake, '2026-11-21');
    before.performance = await lake.rows(
      "select partner_id, spend_usd, ftds, cac_usd from partner_performance where run_date = date '2026-11-21' and window_days = 7 and partner_id = 'p1'",
    );
    // The later Impact export (I3 reversed, I1 restated at 12.00) and the corrected map (2002 is p2).
    await ingestFile(lake.context, 'impact', files.impact2 as string);
    await ingestFile(lake.context, 'tracker-map', files.mapV2 as string);
    secondRun = await transformAndMeasure(lake.lake.engine, '2026-11-22');
  });

  afterAll(async () => {
    await lake?.close();
  });

  it('turns Impact payouts into CPA spend per UTC date, mapped partner and campaign', () => {
    // Assess: 11-20: I1 10.00. 11-21: I2 21.60 (20 EUR x 1.08, 04:30 UTC) + I3 10.00 = 31.60, beside
    // p1's flat 50 = 81.60. I4 (partner 2002) is unmapped: no spend.
    expect(before.spend?.map((row) => [row.partner_id, row.spend_date])).toEqual([
      ['p1', '2026-11-20'],
      ['p1', '2026-11-21'],
    ]);
    expectUsd(before.spend?.[0]?.spend_usd, 10);
    expectUsd(before.spend?.[1]?.spend_usd, 50 + 20 * 1.08 + 10);
    // p1's 7-day CAC: spend 10 + 81.6 = 91.6 over its 2 FTDs (u1, u2) = 45.8.
    expectUsd(before.performance?.[0]?.spend_usd, 91.6);
    expect(before.performance?.[0]?.ftds).toBe(2);
    expectUsd(before.performance?.[0]?.cac_usd, 45.8);
  });

  it('restates the spend a later export and a corrected map change, and the CAC of the run dates they reach', async () => {
    // Assess: 11-20: I1 restated at 12.00. 11-21: I3 reversed, so 50 + 21.60 = 71.60 for p1; I4 is
    // now p2's: 7.00. The restated run date 11-21 is rebuilt.
    expect(secondRun.restatedRuns).toEqual(['2026-11-21']);
    const spend = await lake.rows(
      'select partner_id, cast(spend_date as varchar) as spend_date, spend_usd from spend_daily order by partner_id, spend_date',
    );
    expect(spend.map((row) => [row.partner_id, row.spend_date])).toEqual([
      ['p1', '2026-11-20'],
      ['p1', '2026-11-21'],
      ['p2', '2026-11-21'],
    ]);
    expectUsd(spend[0]?.spend_usd, 12);
    expectUsd(spend[1]?.spend_usd, 50 + 21.6);
    expectUsd(spend[2]?.spend_usd, 7);
    const curated = await lake.rows(
      "select partner_id, campaign_id, cost_type from spend where cost_type = 'cpa' order by spend_date, partner_id",
    );
    expect(curated).toEqual([
      { partner_id: 'p1', campaign_id: 'impact:500', cost_type: 'cpa' },
      { partner_id: 'p1', campaign_id: 'impact:500', cost_type: 'cpa' },
      { partner_id: 'p2', campaign_id: 'impact:500', cost_type: 'cpa' },
    ]);
    // p1's 7-day CAC on 11-21: (12 + 71.6) / 2 = 41.8, down from 45.8.
    const [performance] = await lake.rows(
      "select spend_usd, cac_usd from partner_performance where run_date = date '2026-11-21' and window_days = 7 and partner_id = 'p1'",
    );
    expectUsd(performance?.spend_usd, 83.6);
    expectUsd(performance?.cac_usd, 41.8);
    // The 11-21 cohort of p1 at age 0 carries that day's spend.
    const [cohort] = await lake.rows(
      "select spend_usd from cohort_ltv where cohort_date = date '2026-11-21' and partner_id = 'p1' and age_day = 0",
    );
    expectUsd(cohort?.spend_usd, 71.6);
  });

  it('keeps every conversion in its latest state, mapped with the current map', async () => {
    // Act
    const conversions = await lake.rows(
      'select source, conversion_id, user_id, step, source_key, partner_id, payout_usd, state from tracker_conversions order by source, conversion_id',
    );

    // Assess: 8 AppsFlyer rows, 9 Adjust rows, 4 Impact actions.
    expect(conversions.map((row) => row.source)).toEqual([
      ...Array(9).fill('adjust'),
      ...Array(8).fill('appsflyer'),
      ...Array(4).fill('impact'),
    ]);
    const byId = new Map(conversions.map((row) => [row.conversion_id, row]));
    expect(byId.get('D1|install||1795255200')).toMatchObject({
      step: 'install',
      partner_id: 'p2',
      user_id: null,
    });
    expect(byId.get('D3|event|signup|1795262400')).toMatchObject({
      step: 'signup',
      partner_id: 'organic',
      source_key: 'Organic',
    });
    expect(byId.get('A4|af_complete_registration|2026-11-21 12:00:00')).toMatchObject({
      step: 'signup',
      partner_id: 'organic',
    });
    expect(byId.get('A5|af_complete_registration|2026-11-21 13:00:00')).toMatchObject({
      partner_id: 'unmapped',
      user_id: null,
    });
    expect(byId.get('A1|first_deposit|2026-11-21 08:00:00')).toMatchObject({
      step: 'ftd',
      payout_usd: null,
      state: null,
    });
    // A reversed action keeps its last payout.
    expect(byId.get('I3')).toMatchObject({ step: 'signup', state: 'REVERSED', payout_usd: 10 });
    expect(byId.get('I1')).toMatchObject({ state: 'APPROVED', payout_usd: 12 });
    expect(byId.get('I2')).toMatchObject({ step: 'ftd', partner_id: 'p1' });
    // Unmapped on the first run, p2 once the corrected map arrived.
    expect(byId.get('I4')).toMatchObject({ source_key: '2002', partner_id: 'p2' });
  });

  it('reconciles each source and partner with the platform (first run)', () => {
    // Platform as of 11-21: p1 signed up u5 (11-19), u1 (11-20), u2 (11-21): 3, FTDs u1, u2: 2;
    // p2 u3: 1; organic u4: 1. All within both windows.
    expect(before.reconciliation).toEqual([
      // adjust organic: u4 on both sides.
      ...bothWindows([1, 1, 1, 0, 0, 0, 0, 0], null, 0, 'ok')('adjust', 'organic'),
      // adjust p2 (kolnet): sign-up u3 matched; FTD u2, whom the platform gives p1: 1 against 0.
      ...bothWindows([1, 1, 1, 0, 0, 0, 1, 0], null, 0, 'ok')('adjust', 'p2'),
      // adjust p3 (newnet): x1-x5, whom the platform never saw: 5 against 0 is broken.
      ...bothWindows([5, 0, 0, 5, 0, 0, 0, 0], null, null, 'broken')('adjust', 'p3'),
      // appsflyer organic: u4 on both sides.
      ...bothWindows([1, 1, 1, 0, 0, 0, 0, 0], null, 0, 'ok')('appsflyer', 'organic'),
      // appsflyer p1: u1, u2, u3, u6 against u5, u1, u2: 2 matched; u3 is p2's (conflicting), u6
      // unknown; FTD u1 against u1, u2. Gap (4 - 3) / 3 = 1/3 > 0.10: warn.
      ...bothWindows([4, 3, 2, 2, 1, 1, 1, 2], null, third, 'warn')('appsflyer', 'p1'),
      // appsflyer unmapped: A5's sign-up has no user id, so it counts nowhere; the row is there.
      ...bothWindows([0, 0, 0, 0, 0, 0, 0, 0], null, null, 'ok')('appsflyer', 'unmapped'),
      // impact p1 (1001): sign-ups u1 (I1), u2 (I3); FTD u1 (I2); payout 10 + 21.6 + 10 = 41.6.
      // Gap (2 - 3) / 3.
      ...bothWindows([2, 3, 2, 0, 1, 0, 1, 2], 41.6, -third, 'warn')('impact', 'p1'),
      // impact unmapped (2002): u3, whom the platform gives p2: tracker-only and conflicting.
      ...bothWindows([1, 0, 0, 1, 0, 1, 0, 0], 7, null, 'ok')('impact', 'unmapped'),
    ]);
  });

  it('reconciles again every run date that the later export and the corrected map reach', async () => {
    // Assess: the restated run date 11-21 and the new one, 11-22, whose windows hold the same days.
    expect(secondRun.trackerRuns).toEqual(['2026-11-21', '2026-11-22']);
    const impactRows = (rows: Row[]) => rows.filter((row) => row.source === 'impact');
    const expected = [
      // p1: I3 reversed still reports u2's sign-up, but pays nothing: 12 + 21.6 = 33.6.
      ...bothWindows([2, 3, 2, 0, 1, 0, 1, 2], 33.6, -third, 'warn')('impact', 'p1'),
      // p2 (2002, now mapped): u3 on both sides; payout 7.
      ...bothWindows([1, 1, 1, 0, 0, 0, 0, 0], 7, 0, 'ok')('impact', 'p2'),
    ];
    expect(impactRows(await reconciliationOf(lake, '2026-11-21'))).toEqual(expected);
    expect(impactRows(await reconciliationOf(lake, '2026-11-22'))).toEqual(expected);
  });

  it('does no tracker work for a run date already built, and builds only the new date on the next day', async () => {
    // Act
    const again = await transformAndMeasure(lake.lake.engine, '2026-11-22');
    const next = await transformAndMeasure(lake.lake.engine, '2026-11-23');

    // Assess
    expect(again.trackerRuns).toEqual([]);
    expect(again.steps.map((step) => step.step)).not.toContain('tracker_conversions');
    expect(next.trackerRuns).toEqual(['2026-11-23']);
    expect(next.steps.map((step) => step.step)).not.toContain('tracker_conversions');
    expect(firstRun.trackerRuns).toEqual(['2026-11-21']);
  });
  it('equals a lake that ingested every file before its first run', async () => {
    // Prepare: the same files, all ingested first, then the same two run dates.
    const rebuilt = await openTestLake();
    try {
      for (const [kind, file] of [
        ['fx', 'fx'],
        ['partners', 'partners'],
        ['events', 'events'],
        ['spend', 'spend'],
        ['tracker-map', 'mapV1'],
        ['appsflyer', 'appsflyer1'],
        ['appsflyer', 'appsflyer2'],
        ['adjust', 'adjust'],
        ['impact', 'impact1'],
        ['impact', 'impact2'],
        ['tracker-map', 'mapV2'],
      ] as const) {
        await ingestFile(rebuilt.context, kind, files[file] as string);
      }
      await transformAndMeasure(rebuilt.lake.engine, '2026-11-21');
      await transformAndMeasure(rebuilt.lake.engine, '2026-11-22');

      // Act
      const tables = [
        'select * from tracker_conversions order by all',
        "select * from tracker_reconciliation where run_date <= date '2026-11-22' order by all",
        'select spend_date, partner_id, campaign_id, cost_type, spend_usd from spend order by all',
        'select * from spend_daily order by all',
        "select * from partner_performance where run_date <= date '2026-11-22' order by all",
      ];

      // Assess
      for (const sql of tables) expect(await rebuilt.rows(sql), sql).toEqual(await lake.rows(sql));
    } finally {
      await rebuilt.close();
    }
  });
});
