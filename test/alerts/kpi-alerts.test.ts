/**
 * The alert method (docs/contract.md, kpi_alerts) on hand-made series; every expected value is
 * worked out by hand beside its assertion. A series is [R - 28, R]: index 28 is R, and index i is
 * R's weekday when i is a multiple of 7. Flat histories have no spread of their own, so the floors
 * set the ranges: a count of expected m has the spread s = sqrt(1 + 0.15^2 m) / 2 on the
 * square-root scale and the range [(sqrt(m) - 3.5 s)^2, (sqrt(m) + 3.5 s)^2]; spend 0.1 * m, 3.5
 * spreads each side.
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
  it('raises nothing for 2 -> 4 sign-ups, nor for 1 -> 9, far outside the range but below 10', () => {
    // Prepare: expected 2: s = sqrt(1.045) / 2 = 0.51113, range [0, (1.41421 + 1.78894)^2] = [0, 10.26],
    // 4 is inside. Expected 1: s = sqrt(1.0225) / 2 = 0.50559, range [0, (1 + 1.76958)^2] = [0, 7.67];
    // 9 is above it, +800 %, but neither 9 nor 1 reaches the volume of 10.
    const small = [partner('tiny', { signups: days(2, 4) }), partner('small', { signups: days(1, 9) })];

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

  it("raises nothing for a partner's own weekend dip that the program does not share", () => {
    // Prepare: the program is flat at 1000 a day (every weekday factor 1); the partner dips to half
    // on weekends, and R is a Saturday of 50.
    const scopes: ScopeSeries[] = [
      { ...partner('all', { signups: days(1000, 1000) }), scope: 'all' },
      partner('kol-a', { signups: days((index) => (index % 7 <= 1 ? 50 : 100), 50) }),
    ];

    // Act
    const alerts = kpiAlerts(R, scopes);

    // Assess: level 600 / 7 = 85.714 times factor 1, and the Saturdays' median 50: expected
    // (85.714 + 50) / 2 = 67.857; 50 is 26 % below it, under the 40 % gate (and inside the range
    // [(8.2376 - 3.5 * 0.79479)^2, ...] = [29.77, ...]: s = sqrt(1 + 0.0225 * 67.857) / 2).
    expect(alerts).toEqual([]);
  });

  it('raises a genuine spike up with its expected range', () => {
    // Prepare: 20 sign-ups a day, 45 on R.
    const spike = [partner('kol-a', { signups: days(20, 45) })];

    // Act
    const alerts = kpiAlerts(R, spike);

    // Assess: expected 20, s = sqrt(1 + 0.0225 * 20) / 2 = 0.60208, 3.5 s = 2.10728, range
    // [(4.47214 - 2.10728)^2, (4.47214 + 2.10728)^2] = [5.5925, 43.2887]. 45 is above it, +125 % >= 40 %,
    // and 45 >= 10. Critical would need sqrt(45) - sqrt(20) = 2.23607 > 2 * 2.10728 = 4.21456: warn.
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
      reason: 'Sign-ups of partner kol-a on 2026-05-30: 45, above the expected 20 (range 5.6 to 43.3).',
    });
    expect(alert?.lower).toBeCloseTo(5.592548, 6);
    expect(alert?.upper).toBeCloseTo(43.288702, 6);
  });

  it('raises a drop down for a partner that loses most of its sign-ups', () => {
    // Prepare: 40 a day, 5 on R.
    const drop = [partner('aff-c', { signups: days(40, 5) })];

    // Act
    const [alert] = kpiAlerts(R, drop);

    // Assess: s = sqrt(1 + 0.0225 * 40) / 2 = 0.68920, 3.5 s = 2.41221, range
    // [(6.32456 - 2.41221)^2, (6.32456 + 2.41221)^2] = [15.3065, 76.3310]; sqrt(40) - sqrt(5) = 4.08849
    // <= 2 * 2.41221 = 4.82442: warn.
    expect(alert).toMatchObject({
      metric: 'signups',
      value: 5,
      expected: 40,
      direction: 'down',
      severity: 'warn',
    });
    expect(alert?.lower).toBeCloseTo(15.306457, 6);
    expect(alert?.upper).toBeCloseTo(76.331043, 6);
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

    // Assess: expected 8, s = sqrt(1 + 0.0225 * 8) / 2 = 0.54314, 3.5 s = 1.90099, range
    // [(2.82843 - 1.90099)^2, (2.82843 + 1.90099)^2] = [0.8601, 22.3674]; the sign-ups alert is not
    // raised beside it (nor would it be: neither 0 nor 8 reaches 10).
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      scope: 'partner',
      scopeId: 'aff-b',
      metric: 'tracking',
      value: 0,
      expected: 8,
      direction: 'down',
      severity: 'critical',
      reason:
        'Partner aff-b spent $200.00 on 2026-05-30 but recorded no sign-up against 8 expected (range 0.9 to 22.4): check its tracking.',
    });
    expect(alert?.lower).toBeCloseTo(0.860146, 6);
    expect(alert?.upper).toBeCloseTo(22.367354, 6);
  });

  it('raises a CAC blow-up when spend triples and FTDs stay flat, and spend itself', () => {
    // Prepare: 1000 USD and 20 FTDs a day; on R 3000 USD and 20 FTDs.
    const scopes = [partner('kol-a', { spend_usd: days(1000, 3000), ftds: days(20, 20) })];

    // Act
    const alerts = kpiAlerts(R, scopes);

    // Assess: spend: expected 1000, spread floor 0.1 * 1000 = 100, half-width 350, range [650, 1350];
    // |3000 - 1000| = 2000 > 2 * 350: critical.
    // CAC: 3000 / 20 = 150 against 1000 / 20 = 50. Relative spreads: spend 100 / 1000 = 0.1; FTDs
    // 2 s / sqrt(20) = 2 * 0.60208 / 4.47214 = 0.26926 (s as in the spike test); together
    // sqrt(0.1^2 + 0.26926^2) = 0.28723, log half-width 3.5 * 0.28723 = 1.00530: range
    // [50 * e^-1.00530, 50 * e^1.00530] = [18.297, 136.636]; ln(150 / 50) = 1.0986 <= 2 * 1.0053: warn.
    expect(alerts.map((alert) => [alert.metric, alert.direction, alert.severity])).toEqual([
      ['cac_usd', 'up', 'warn'],
      ['spend_usd', 'up', 'critical'],
    ]);
    const [cac, spend] = alerts;
    expect(cac?.value).toBe(150);
    expect(cac?.expected).toBe(50);
    expect(cac?.lower).toBeCloseTo(18.29677, 5);
    expect(cac?.upper).toBeCloseTo(136.636138, 5);
    expect(spend).toMatchObject({ value: 3000, expected: 1000, lower: 650, upper: 1350 });
    expect(cac?.reason).toBe(
      'CAC of partner kol-a on 2026-05-30: $150.00, above the expected $50.00 (range $18.30 to $136.64).',
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
