/**
 * kpi_alerts (docs/contract.md, kpi_alerts) on a hand-made lake, through the transform step; every
 * expected value is worked out by hand below, not by running the code.
 *
 * R = 2026-05-31; the history is [05-03, 05-30] (28 days, four whole weeks).
 * Partners: kol-a (kol, revshare 0), aff-b (affiliate, revshare 0.2).
 *   kol-a: 6 sign-ups every day of the history, none on R; spends 100 every day, R included.
 *   aff-b: 12 sign-ups every day of the history, 50 on R; no spend. Its first user of 05-30
 *          deposits 50 on R and trades with a fee of 10 on R (net 10 * (1 - 0.2) = 8).
 *   u-x:   no sign-up (unattributed), deposits 20 on R.
 * Every history is flat, so every weekday factor is 1, the expected value is the daily value and
 * the observed spread is 0: the floors set the ranges. A count of expected m has the spread
 * s = sqrt(1 + 0.15^2 m) / 2 on the square-root scale and the range [(sqrt(m) - 3.5 s)^2,
 * (sqrt(m) + 3.5 s)^2].
 */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../lambdas/contract/dates.ts';
import { ingestFile } from '../../lambdas/ingest/ingest.ts';
import { transformAndMeasure } from '../../lambdas/pipeline/transform.ts';
import { queryFile } from '../../lambdas/warehouse/sql.ts';
import { type TestLake, testLakes } from '../ingest/lake-helpers.ts';

const R = '2026-05-31';

const PARTNERS = [
  'partner_id,name,channel,revshare_rate,status',
  'kol-a,KOL A,kol,0,active',
  'aff-b,Affiliate B,affiliate,0.2,active',
];

const HISTORY = Array.from({ length: 28 }, (_, i) => addDays(R, i - 28));

const SPEND = ['date,partner_id,spend,currency', ...[...HISTORY, R].map((date) => `${date},kol-a,100,USD`)];

const event = (id: string, type: string, user: string, at: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ event_id: id, event_type: type, user_id: user, occurred_at: `${at}Z`, ...extra });

function signups(partner: string, date: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    event(`${partner}-${date}-${i}`, 'signup', `${partner}-${date}-${i}`, `${date}T08:00:00`, {
      partner_id: partner,
    }),
  );
}

const EVENTS = [
  ...HISTORY.flatMap((date) => [...signups('kol-a', date, 6), ...signups('aff-b', date, 12)]),
  ...signups('aff-b', R, 50),
  event('d1', 'deposit', 'aff-b-2026-05-30-0', `${R}T09:00:00`, { amount_usd: 50 }),
  event('t1', 'trade', 'aff-b-2026-05-30-0', `${R}T10:00:00`, {
    amount_usd: 1000,
    fee_usd: 10,
    product: 'spot',
  }),
  event('d2', 'deposit', 'u-x', `${R}T09:00:00`, { amount_usd: 20 }),
];

type AlertTuple = [scope: string, scopeId: string, metric: string, direction: string, severity: string];

const newLake = testLakes();

async function alertingLake(): Promise<TestLake> {
  const lake = await newLake();
  await ingestFile(lake.context, 'partners', await lake.writeLines('partners.csv', PARTNERS));
  await ingestFile(lake.context, 'spend', await lake.writeLines('spend.csv', SPEND));
  await ingestFile(lake.context, 'events', await lake.writeLines('events.jsonl', EVENTS));
  return lake;
}

const ALERTS_OF_R =
  'select scope, scope_id, metric, value, expected, lower, upper, direction, severity, reason ' +
  `from kpi_alerts where run_date = date '${R}' order by scope, scope_id, metric`;

describe('kpi_alerts', () => {
  it('hands the alerts code each scope’s daily series: partners, channels and the program', async () => {
    // Prepare
    const lake = await alertingLake();
    await transformAndMeasure(lake.lake.engine, R);

    // Act: the series query of R, on R only.
    const rows = await lake.rows(
      `select scope, scope_id, metric, value from (${queryFile('marts/kpi_alert_series', { run_date: { date: R } })}) ` +
        `where metric_date = date '${R}' order by scope, scope_id, metric`,
    );

    // Assess: R's sign-ups 50 (aff-b) + 0 (kol-a); FTDs: aff-b's user and u-x (unattributed); spend
    // kol-a 100; net revenue 10 * (1 - 0.2) = 8. The channel affiliate is aff-b; kol is kol-a;
    // unattributed is a partner value of its own and in the program, in no channel.
    expect(rows).toEqual([
      { scope: 'all', scope_id: 'all', metric: 'ftds', value: 2 },
      { scope: 'all', scope_id: 'all', metric: 'net_revenue_usd', value: 8 },
      { scope: 'all', scope_id: 'all', metric: 'signups', value: 50 },
      { scope: 'all', scope_id: 'all', metric: 'spend_usd', value: 100 },
      { scope: 'channel', scope_id: 'affiliate', metric: 'ftds', value: 1 },
      { scope: 'channel', scope_id: 'affiliate', metric: 'net_revenue_usd', value: 8 },
      { scope: 'channel', scope_id: 'affiliate', metric: 'signups', value: 50 },
      { scope: 'channel', scope_id: 'kol', metric: 'spend_usd', value: 100 },
      { scope: 'partner', scope_id: 'aff-b', metric: 'ftds', value: 1 },
      { scope: 'partner', scope_id: 'aff-b', metric: 'net_revenue_usd', value: 8 },
      { scope: 'partner', scope_id: 'aff-b', metric: 'signups', value: 50 },
      { scope: 'partner', scope_id: 'kol-a', metric: 'spend_usd', value: 100 },
      { scope: 'partner', scope_id: 'unattributed', metric: 'ftds', value: 1 },
      // u-x is active on R (its deposit) without a fee: a day of net revenue 0.
      { scope: 'partner', scope_id: 'unattributed', metric: 'net_revenue_usd', value: 0 },
    ]);
  });

  it('raises the spike of aff-b in every scope it reaches, and kol-a’s tracking outage; a re-run gives the same rows', async () => {
    // Prepare
    const lake = await alertingLake();

    // Act
    await transformAndMeasure(lake.lake.engine, R);
    const first = await lake.rows(ALERTS_OF_R);
    await transformAndMeasure(lake.lake.engine, R);
    const again = await lake.rows(ALERTS_OF_R);

    // Assess: the key and verdict of each alert.
    expect(first.map((row) => Object.values(row).slice(0, 3).concat(Object.values(row).slice(7, 9)))).toEqual(
      [
        // The program: 18 a day, 50 on R. s = sqrt(1 + 0.0225 * 18) / 2 = 0.59266, 3.5 s = 2.07432,
        // range [(4.24264 - 2.07432)^2, (4.24264 + 2.07432)^2] = [4.7016, 39.9040]; +178 %.
        // Critical would need sqrt(50) - sqrt(18) = 2.82843 > 2 * 2.07432: warn.
        ['all', 'all', 'signups', 'up', 'warn'],
        // affiliate = aff-b: 12 a day, 50 on R. s = sqrt(1.27) / 2 = 0.56347, 3.5 s = 1.97215,
        // range [(3.46410 - 1.97215)^2, (3.46410 + 1.97215)^2] = [2.2259, 29.5528]; 7.07107 - 3.46410 =
        // 3.60697 <= 3.94430: warn. The kol channel (kol-a) falls from 6 to 0: below the volume of 10.
        ['channel', 'affiliate', 'signups', 'up', 'warn'],
        ['partner', 'aff-b', 'signups', 'up', 'warn'],
        // kol-a: a mean of 6 >= 5 sign-ups over [05-03, 05-30], spend 100 on R and no sign-up.
        ['partner', 'kol-a', 'tracking', 'down', 'critical'],
      ] satisfies AlertTuple[],
    );
    const [program, channel, partner, tracking] = first;
    expect(program?.value).toBe(50);
    expect(program?.expected).toBeCloseTo(18, 9);
    expect(program?.lower).toBeCloseTo(4.701605, 6);
    expect(program?.upper).toBeCloseTo(39.90402, 5);
    expect(channel).toEqual({ ...partner, scope: 'channel', scope_id: 'affiliate', reason: channel?.reason });
    expect(partner?.expected).toBeCloseTo(12, 9);
    expect(partner?.lower).toBeCloseTo(2.22592, 5);
    expect(partner?.upper).toBeCloseTo(29.55283, 5);
    expect(partner?.reason).toBe(
      'Sign-ups of partner aff-b on 2026-05-31: 50, above the expected 12 (range 2.2 to 29.6).',
    );
    // kol-a: expected 6, s = sqrt(1.135) / 2 = 0.53268, 3.5 s = 1.86439, range
    // [(2.44949 - 1.86439)^2, (2.44949 + 1.86439)^2] = [0.3423, 18.6095].
    expect(tracking?.value).toBe(0);
    expect(tracking?.expected).toBeCloseTo(6, 9);
    expect(tracking?.lower).toBeCloseTo(0.342346, 6);
    expect(tracking?.upper).toBeCloseTo(18.60953, 5);
    expect(tracking?.reason).toBe(
      'Partner kol-a spent $100.00 on 2026-05-31 but recorded no sign-up against 6 expected (range 0.3 to 18.6): check its tracking.',
    );
    expect(again).toEqual(first);
  });
});
