/**
 * Targets and plan_pacing (docs/contract.md, Targets and plan_pacing) on a hand-made lake; every
 * expected value is worked out by hand below, not by running the SQL.
 *
 * Partners: kol-a (kol, revshare 0.25), kol-b (kol, 0, paused), aff-c (affiliate, 0).
 * Users (cohort date, partner; FTD; trades as date amount/fee):
 *   u1  05-01 kol-a    FTD 05-01   05-01 1000/4, 05-30 2000/8
 *   u2  05-29 kol-b    FTD 05-30   05-31 500/2
 *   u3  04-10 aff-c    FTD 04-12   04-29 3000/6, 05-02 1000/2
 *   u4  05-27 organic  no FTD      05-28 700/1
 *   u5  no signup (unattributed)   FTD 05-26   05-31 100/0.5
 * Spend: kol-a 04-28 70, 05-01 100, 05-30 50; kol-b 05-29 30; aff-c 05-02 40.
 *
 * Run dates: R1 = 2026-05-03 (run_rate_7d's window [04-27, 05-03] starts before May) and
 * R2 = 2026-05-31 (the last day of May). May: 31 days; 2026-Q2: April 1 to June 30, 91 days, of
 * which 33 have elapsed on R1 (30 + 3) and 61 on R2 (30 + 31).
 */
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import type { Row } from '../../lambdas/warehouse/engine.ts';
import { ingestCounts, type TestLake, testLakes } from '../ingest/lake-helpers.ts';

const R1 = '2026-05-03';
const R2 = '2026-05-31';

const PARTNERS = [
  'partner_id,name,channel,revshare_rate,status',
  'kol-a,KOL A,kol,0.25,active',
  'kol-b,KOL B,kol,0,paused',
  'aff-c,Affiliate C,affiliate,0,active',
];

const SPEND = [
  'date,partner_id,spend,currency',
  '2026-04-28,kol-a,70,USD',
  '2026-05-01,kol-a,100,USD',
  '2026-05-30,kol-a,50,USD',
  '2026-05-29,kol-b,30,USD',
  '2026-05-02,aff-c,40,USD',
];

const event = (id: string, type: string, user: string, at: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ event_id: id, event_type: type, user_id: user, occurred_at: `${at}Z`, ...extra });

const EVENTS = [
  event('u1-1', 'signup', 'u1', '2026-05-01T08:00:00', { partner_id: 'kol-a' }),
  event('u1-2', 'deposit', 'u1', '2026-05-01T09:00:00', { amount_usd: 100 }),
  event('u1-3', 'trade', 'u1', '2026-05-01T10:00:00', { amount_usd: 1000, fee_usd: 4, product: 'spot' }),
  event('u1-4', 'trade', 'u1', '2026-05-30T10:00:00', { amount_usd: 2000, fee_usd: 8, product: 'spot' }),
  event('u2-1', 'signup', 'u2', '2026-05-29T08:00:00', { partner_id: 'kol-b' }),
  event('u2-2', 'deposit', 'u2', '2026-05-30T09:00:00', { amount_usd: 50 }),
  event('u2-3', 'trade', 'u2', '2026-05-31T10:00:00', { amount_usd: 500, fee_usd: 2, product: 'spot' }),
  event('u3-1', 'signup', 'u3', '2026-04-10T08:00:00', { partner_id: 'aff-c' }),
  event('u3-2', 'deposit', 'u3', '2026-04-12T09:00:00', { amount_usd: 300 }),
  event('u3-3', 'trade', 'u3', '2026-04-29T10:00:00', { amount_usd: 3000, fee_usd: 6, product: 'futures' }),
  event('u3-4', 'trade', 'u3', '2026-05-02T10:00:00', { amount_usd: 1000, fee_usd: 2, product: 'futures' }),
  event('u4-1', 'signup', 'u4', '2026-05-27T08:00:00'),
  event('u4-2', 'trade', 'u4', '2026-05-28T10:00:00', { amount_usd: 700, fee_usd: 1, product: 'spot' }),
  event('u5-1', 'deposit', 'u5', '2026-05-26T09:00:00', { amount_usd: 20 }),
  event('u5-2', 'trade', 'u5', '2026-05-31T10:00:00', { amount_usd: 100, fee_usd: 0.5, product: 'spot' }),
];

const TARGETS = [
  'period,scope,metric,target',
  '2026-05,all,signups,4',
  '2026-05,channel:kol,net_revenue_usd,12',
  '2026-Q2,all,gmv_usd,10000',
  '2026-05,partner:kol-a,spend_usd,150',
  '2026-05,channel:kol,ftds,3',
  '2026-04,all,spend_usd,100',
  '2026-Q2,channel:affiliate,spend_usd,100',
  '2026-13,all,signups,5',
  '2026-05,channel:tv,signups,5',
  '2026-05,all,clicks,5',
  '2026-05,all,ftds,0',
];

type Pacing = [
  period: string,
  scope: string,
  metric: string,
  target: number,
  actual: number,
  elapsed: number,
  days: number,
  expected: number,
  runRate: number,
  forecast: number,
  attainment: number,
  status: string,
];

/** The rows of a run date, ordered by key, as tuples in the column order of {@link Pacing}. */
async function pacingOf(lake: TestLake, runDate: string): Promise<Pacing[]> {
  const rows = await lake.rows(
    'select period, scope, metric, target, actual_to_date, days_elapsed, days_in_period, expected_to_date, ' +
      'run_rate_7d, forecast_end, forecast_attainment, status ' +
      `from plan_pacing where run_date = date '${runDate}' order by period, scope, metric`,
  );
  return rows.map((row: Row) => Object.values(row) as Pacing);
}

/** Compares tuples, numbers to 9 decimal places. */
function expectPacing(actual: readonly Pacing[], expected: readonly Pacing[]): void {
  expect(actual.map((row) => row.slice(0, 3))).toEqual(expected.map((row) => row.slice(0, 3)));
  actual.forEach((row, i) => {
    const want = expected[i] as Pacing;
    row.forEach((value, column) => {
      const label = `${row.slice(0, 3).join(' ')} column ${column}`;
      if (typeof want[column] === 'number')
        expect(value as number, label).toBeCloseTo(want[column] as number, 9);
      else expect(value, label).toBe(want[column]);
    });
  });
}

const newLake = testLakes();

async function plannedLake(): Promise<TestLake> {
  const lake = await newLake();
  await ingestFile(lake.context, 'partners', await lake.writeLines('partners.csv', PARTNERS));
  await ingestFile(lake.context, 'spend', await lake.writeLines('spend.csv', SPEND));
  await ingestFile(lake.context, 'events', await lake.writeLines('events.jsonl', EVENTS));
  return lake;
}

describe('targets and plan_pacing', () => {
  it('ingests targets as a snapshot, quarantining a bad period, an unknown scope or metric, a target <= 0', async () => {
    // Prepare
    const lake = await newLake();
    const file = await lake.writeLines('targets.csv', TARGETS);

    // Act
    const result = await ingestFile(lake.context, 'targets', file);

    // Assess: 11 rows, 7 accepted, the last 4 quarantined with their reasons (lines 9 to 12).
    expect(ingestCounts(result)).toEqual([11, 7, 0, 4]);
    expect(await lake.rows('select line, reason from quarantine order by line')).toEqual([
      { line: 9, reason: 'bad period "2026-13" (must be YYYY-MM or YYYY-Qn)' },
      {
        line: 10,
        reason:
          'unknown scope "channel:tv" (must be all, channel:<affiliate|kol|content|community|network|other> or partner:<partner_id>)',
      },
      {
        line: 11,
        reason: 'unknown metric "clicks" (must be one of signups, ftds, spend_usd, net_revenue_usd, gmv_usd)',
      },
      { line: 12, reason: 'target must be a number above 0, got "0"' },
    ]);
    expect(
      await lake.rows(
        'select period, scope, metric, target, cast(period_start as varchar) as period_start, ' +
          "cast(period_end as varchar) as period_end, scope_type, scope_id from targets where period = '2026-Q2' order by scope",
      ),
    ).toEqual([
      {
        period: '2026-Q2',
        scope: 'all',
        metric: 'gmv_usd',
        target: 10000,
        period_start: '2026-04-01',
        period_end: '2026-06-30',
        scope_type: 'all',
        scope_id: null,
      },
      {
        period: '2026-Q2',
        scope: 'channel:affiliate',
        metric: 'spend_usd',
        target: 100,
        period_start: '2026-04-01',
        period_end: '2026-06-30',
        scope_type: 'channel',
        scope_id: 'affiliate',
      },
    ]);
  });

  it('replaces the targets whole with the next snapshot', async () => {
    // Prepare
    const lake = await newLake();
    await ingestFile(lake.context, 'targets', await lake.writeLines('targets-1.csv', TARGETS));
    const next = [
      'period,scope,metric,target',
      '2026-06,partner:organic,signups,50',
      '2026-06,partner:organic,signups,60',
    ];

    // Act
    const result = await ingestFile(lake.context, 'targets', await lake.writeLines('targets-2.csv', next));

    // Assess: the later row of a (period, scope, metric) wins
    expect(ingestCounts(result)).toEqual([2, 1, 1, 0]);
    expect(await lake.rows('select period, scope, metric, target from targets')).toEqual([
      { period: '2026-06', scope: 'partner:organic', metric: 'signups', target: 60 },
    ]);
  });

  it('paces every target whose period contains R, early in the period and on its last day', async () => {
    // Prepare
    const lake = await plannedLake();
    await ingestFile(lake.context, 'targets', await lake.writeLines('targets.csv', TARGETS));

    // Act
    await transformAndMeasure(lake.lake.engine, R1);
    await transformAndMeasure(lake.lake.engine, R2);

    // Assess R1 = 05-03: May 3 of 31 days elapsed, Q2 33 of 91; 2026-04 does not contain R1.
    // pacing(period, scope, metric, target, actual, elapsed, days, expected, run rate, forecast, attainment, status)
    expectPacing(await pacingOf(lake, R1), [
      // Sign-ups with cohort_date in [05-01, 05-03]: u1. Run rate: u1 in [04-27, 05-03] = 1/7.
      // Forecast 1 + 1/7 * 28 = 5; 5/4.
      ['2026-05', 'all', 'signups', 4, 1, 3, 31, (4 * 3) / 31, 1 / 7, 5, 1.25, 'on_track'],
      // FTDs of kol-a and kol-b users in [05-01, 05-03]: u1 (05-01). 1 + 1/7 * 28 = 5; 5/3.
      ['2026-05', 'channel:kol', 'ftds', 3, 1, 3, 31, (3 * 3) / 31, 1 / 7, 5, 5 / 3, 'on_track'],
      // u1's fee 4 * (1 - 0.25) = 3 on 05-01; run rate 3/7; 3 + 3/7 * 28 = 15; 15/12.
      ['2026-05', 'channel:kol', 'net_revenue_usd', 12, 3, 3, 31, (12 * 3) / 31, 3 / 7, 15, 1.25, 'on_track'],
      // kol-a's spend: 100 (05-01) to date; the run rate reads 04-28 too, before May: (70 + 100) / 7.
      // 100 + 170/7 * 28 = 780; 780/150 = 5.2 > 1.1.
      ['2026-05', 'partner:kol-a', 'spend_usd', 150, 100, 3, 31, (150 * 3) / 31, 170 / 7, 780, 5.2, 'over'],
      // GMV since 04-01: u3 3000 (04-29) + 1000 (05-02), u1 1000 = 5000, all in [04-27, 05-03].
      // 5000 + 5000/7 * (91 - 33) = 5000 + 290000/7.
      [
        '2026-Q2',
        'all',
        'gmv_usd',
        10000,
        5000,
        33,
        91,
        (10000 * 33) / 91,
        5000 / 7,
        5000 + 290000 / 7,
        (5000 + 290000 / 7) / 10000,
        'on_track',
      ],
      // aff-c's spend: 40 (05-02). 40 + 40/7 * 58 = 40 + 2320/7 = 371.43 of 100: over.
      [
        '2026-Q2',
        'channel:affiliate',
        'spend_usd',
        100,
        40,
        33,
        91,
        (100 * 33) / 91,
        40 / 7,
        40 + 2320 / 7,
        (40 + 2320 / 7) / 100,
        'over',
      ],
    ]);

    // Assess R2 = 05-31, May's last day: 31 of 31 elapsed, so the forecast is the actual; Q2 61 of 91.
    expectPacing(await pacingOf(lake, R2), [
      // u1 (05-01), u4 (05-27, organic), u2 (05-29, paused kol-b) = 3; run rate u4 + u2 = 2/7; 3/4.
      ['2026-05', 'all', 'signups', 4, 3, 31, 31, 4, 2 / 7, 3, 0.75, 'off_track'],
      // u1 (05-01), u2 (05-30: kol-b is paused but of the channel) = 2; run rate u2 = 1/7; 2/3.
      ['2026-05', 'channel:kol', 'ftds', 3, 2, 31, 31, 3, 1 / 7, 2, 2 / 3, 'off_track'],
      // u1 (4 + 8) * 0.75 = 9, u2 2 * 1 = 2: 11; run rate (6 + 2)/7; 11/12 = 0.917.
      ['2026-05', 'channel:kol', 'net_revenue_usd', 12, 11, 31, 31, 12, 8 / 7, 11, 11 / 12, 'at_risk'],
      // 100 + 50 = 150; run rate 50/7 (05-30); 150/150 = 1.0, within [0.9, 1.1].
      ['2026-05', 'partner:kol-a', 'spend_usd', 150, 150, 31, 31, 150, 50 / 7, 150, 1, 'on_track'],
      // All trades since 04-01: u1 1000 + 2000, u2 500, u3 3000 + 1000, u4 700, u5 100 (unattributed) = 8300;
      // in [05-25, 05-31]: 2000 + 500 + 700 + 100 = 3300. 8300 + 3300/7 * 30 = 8300 + 99000/7.
      [
        '2026-Q2',
        'all',
        'gmv_usd',
        10000,
        8300,
        61,
        91,
        (10000 * 61) / 91,
        3300 / 7,
        8300 + 99000 / 7,
        (8300 + 99000 / 7) / 10000,
        'on_track',
      ],
      // aff-c: 40, nothing in [05-25, 05-31]: 40 of 100 = 0.4, under.
      ['2026-Q2', 'channel:affiliate', 'spend_usd', 100, 40, 61, 91, (100 * 61) / 91, 0, 40, 0.4, 'under'],
    ]);
  });

  it('paces the current snapshot when R is run again: targets that left it leave plan_pacing', async () => {
    // Prepare: R2 paced with the first snapshot, then a plan for June only
    const lake = await plannedLake();
    await ingestFile(lake.context, 'targets', await lake.writeLines('targets.csv', TARGETS));
    await transformAndMeasure(lake.lake.engine, R2);
    expect(await pacingOf(lake, R2)).toHaveLength(6);
    const june = ['period,scope,metric,target', '2026-06,all,signups,10'];
    await ingestFile(lake.context, 'targets', await lake.writeLines('targets-june.csv', june));

    // Act
    await transformAndMeasure(lake.lake.engine, R2);

    // Assess: June does not contain May 31, so nothing is paced on it
    expect(await pacingOf(lake, R2)).toEqual([]);
  });
});
