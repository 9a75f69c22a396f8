/**
 * The alert method (docs/contract.md, kpi_alerts) on hand-made series; every expected value is
 * worked out by hand beside its assertion. A series is [R - 28, R]: index 28 is R, and index i is
 * R's weekday when i is a multiple of 7.
 */
import { describe, expect, it } from 'vitest';
import { baselineOf, median, weekdayFactors, weeklySums } from '../../lambdas/alerts/baseline.ts';
import { EMPTY_SERIES, kpiAlerts, type ScopeSeries } from '../../lambdas/alerts/kpi-alerts.ts';

const R = '2026-05-30';

/** 28 days of `history` (a number, or a function of the index) and `today` on R. */
function days(history: number | ((index: number) => number), today: number): number[] {
  const at = typeof history === 'number' ? () => history : history;
  return [...Array.from({ length: 28 }, (_, index) => at(index)), today];
}

function partner(scopeId: string, series: Partial<ScopeSeries['series']>): ScopeSeries {
  return {
    scope: 'partner',
    scopeId,
    series: {
      spend_usd: EMPTY_SERIES,
      signups: EMPTY_SERIES,
      ftds: EMPTY_SERIES,
      net_revenue_usd: EMPTY_SERIES,
      ...series,
    },
  };
}

describe('baseline', () => {
  it('takes the median, the weekly sums and the weekday factors of a weekend dip', () => {
    // Prepare: R is a Saturday; offsets 0 (Saturday) and 1 (Sunday) are 50, the weekdays 100.
    const dip = days((index) => (index % 7 <= 1 ? 50 : 100), 50);

    // Act
    const factors = weekdayFactors(dip);
    const baseline = baselineOf(dip, factors);

    // Assess: each week sums 2 * 50 + 5 * 100 = 600, a mean day of 600 / 7 = 85.714;
    // Saturday's factor 50 / 85.714 = 0.58333, a weekday's 100 / 85.714 = 1.16667.
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(weeklySums(dip)).toEqual([600, 600, 600, 600]);
    expect(factors[0]).toBeCloseTo(0.583333, 6);
    expect(factors[1]).toBeCloseTo(0.583333, 6);
    expect(factors[2]).toBeCloseTo(1.166667, 6);
    // Expected: (85.714 * 0.58333 + median(50, 50, 50, 50)) / 2 = (50 + 50) / 2 = 50; every
    // residual is 0, so the spread is 0.
    expect(baseline.expected).toBeCloseTo(50, 9);
    expect(baseline.spread).toBeCloseTo(0, 9);
    expect(baseline.historyMean).toBeCloseTo(85.714286, 6);
  });
});

describe('kpiAlerts', () => {
  it('raises nothing for 2 -> 4 sign-ups, nor for 2 -> 9, far outside the range but below 10', () => {
    // Prepare: expected 2, range 2 +- 3 * sqrt(2) = [0, 6.24]; 9 is above it, +350 %, but neither
    // 9 nor 2 reaches the volume of 10.
    const small = [partner('tiny', { signups: days(2, 4) }), partner('small', { signups: days(2, 9) })];

    // Act
    const alerts = kpiAlerts(R, small);

    // Assess
    expect(alerts).toEqual([]);
  });

  it('raises nothing for a weekend dip that every weekend shows', () => {
    // Prepare: the program and a partner both dip to half on weekends; R is a Saturday of 50.
    const dip = days((index) => (index % 7 <= 1 ? 50 : 100), 50);
    const scopes: ScopeSeries[] = [
      { ...partner('all', { signups: dip }), scope: 'all' },
      partner('kol-a', { signups: dip }),
    ];

    // Act
    const alerts = kpiAlerts(R, scopes);

    // Assess: expected 50 (see the baseline test), value 50.
    expect(alerts).toEqual([]);
  });

  it('raises a genuine spike up with its expected range', () => {
    // Prepare: 20 sign-ups a day, 45 on R.
    const spike = [partner('kol-a', { signups: days(20, 45) })];

    // Act
    const alerts = kpiAlerts(R, spike);

    // Assess: expected 20, spread 0 below the Poisson floor sqrt(20) = 4.4721, half-width
    // 3 * 4.4721 = 13.4164: range [6.5836, 33.4164]. 45 is above it, +125 % >= 40 %, and 45 >= 10.
    // Critical would need |45 - 20| = 25 > 2 * 13.4164 = 26.83: warn.
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      scope: 'partner',
      scopeId: 'kol-a',
      metric: 'signups',
      value: 45,
      expected: 20,
      direction: 'up',
      severity: 'warn',
      reason: 'Sign-ups of partner kol-a on 2026-05-30: 45, above the expected 20 (range 6.6 to 33.4).',
    });
    expect(alert?.lower).toBeCloseTo(6.583592, 6);
    expect(alert?.upper).toBeCloseTo(33.416408, 6);
  });

  it('raises a drop down for a partner that loses most of its sign-ups', () => {
    // Prepare: 40 a day, 5 on R.
    const drop = [partner('aff-c', { signups: days(40, 5) })];

    // Act
    const [alert] = kpiAlerts(R, drop);

    // Assess: half-width 3 * sqrt(40) = 18.974, range [21.026, 58.974]; |5 - 40| = 35 <= 2 * 18.974 = 37.95: warn.
    expect(alert).toMatchObject({
      metric: 'signups',
      value: 5,
      expected: 40,
      direction: 'down',
      severity: 'warn',
    });
    expect(alert?.lower).toBeCloseTo(40 - 3 * Math.sqrt(40), 9);
  });

  it('raises tracking for a partner of >= 5 sign-ups a day with spend and no sign-up on R', () => {
    // Prepare: aff-b brings 8 a day and spends 200 every day; on R it spends 200 and brings none.
    // small brings 4 a day (a mean below 5): its outage is not a tracking alert.
    const scopes = [
      partner('aff-b', { signups: days(8, 0), spend_usd: days(200, 200) }),
      partner('small', { signups: days(4, 0), spend_usd: days(200, 200) }),
    ];

    // Act
    const alerts = kpiAlerts(R, scopes);

    // Assess: expected 8, half-width 3 * sqrt(8) = 8.4853, range [0, 16.4853]; the sign-ups alert
    // is not raised beside it (nor would it be: neither 0 nor 8 reaches 10).
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      scope: 'partner',
      scopeId: 'aff-b',
      metric: 'tracking',
      value: 0,
      expected: 8,
      lower: 0,
      direction: 'down',
      severity: 'critical',
      reason:
        'Partner aff-b spent $200.00 on 2026-05-30 but recorded no sign-up against 8 expected (range 0 to 16.5): check its tracking.',
    });
    expect(alert?.upper).toBeCloseTo(16.485281, 6);
  });

  it('raises a CAC blow-up when spend triples and FTDs stay flat, and spend itself', () => {
    // Prepare: 1000 USD and 20 FTDs a day; on R 3000 USD and 20 FTDs.
    const scopes = [partner('kol-a', { spend_usd: days(1000, 3000), ftds: days(20, 20) })];

    // Act
    const alerts = kpiAlerts(R, scopes);

    // Assess: spend: expected 1000, spread floor 0.1 * 1000 = 100, half-width 300, range [700, 1300];
    // |3000 - 1000| = 2000 > 2 * 300: critical.
    // CAC: 3000 / 20 = 150 against 1000 / 20 = 50; relative spread sqrt((100 / 1000)^2 + (sqrt(20) / 20)^2)
    // = sqrt(0.01 + 0.05) = 0.244949, log half-width 3 * 0.244949 = 0.734847: range
    // [50 * e^-0.734847, 50 * e^0.734847] = [23.979, 104.258]; ln(150 / 50) = 1.0986 <= 2 * 0.7348: warn.
    expect(alerts.map((alert) => [alert.metric, alert.direction, alert.severity])).toEqual([
      ['cac_usd', 'up', 'warn'],
      ['spend_usd', 'up', 'critical'],
    ]);
    const [cac, spend] = alerts;
    expect(cac?.value).toBe(150);
    expect(cac?.expected).toBe(50);
    expect(cac?.lower).toBeCloseTo(23.978943, 5);
    expect(cac?.upper).toBeCloseTo(104.258139, 5);
    expect(spend).toMatchObject({ value: 3000, expected: 1000, lower: 700, upper: 1300 });
    expect(cac?.reason).toBe(
      'CAC of partner kol-a on 2026-05-30: $150.00, above the expected $50.00 (range $23.98 to $104.26).',
    );
  });

  it('judges no CAC on fewer than 10 expected FTDs', () => {
    // Prepare: 4 FTDs a day at 1000 USD; on R 2 FTDs: CAC 500 against 250, +100 %.
    const scopes = [partner('kol-a', { spend_usd: days(1000, 1000), ftds: days(4, 2) })];

    // Act
    const alerts = kpiAlerts(R, scopes);

    // Assess: expected FTDs 4 < 10: no CAC alert; FTDs 2 and 4 are below the volume of 10.
    expect(alerts).toEqual([]);
  });
});
