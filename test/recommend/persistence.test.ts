import { describe, expect, it } from 'vitest';
import type { UserValue, UserWindows } from '../../bench/models/user-values.ts';
import { TRAILING_WINDOW_DAYS } from '../../lambdas/contract/tables.ts';
import { type CohortValueSums, FIT_WINDOWS, forecastCohorts } from '../../lambdas/recommend/ltv-forecast.ts';
import {
  AGE_BANDS_DAYS,
  type BandParameters,
  forecastPersistence,
  MATURE_AGE_DAYS,
  type PersistenceModel,
  WINDOW_DAYS,
  type WindowPair,
} from '../../lambdas/recommend/persistence.ts';
import { fitPersistence, windowPairs } from './per-user-reference.ts';

const repeat = (pair: WindowPair, times: number): WindowPair[] => Array.from({ length: times }, () => pair);

const constantModel = (band: Omit<BandParameters, 'support'>): PersistenceModel => ({
  bands: AGE_BANDS_DAYS.map(() => ({ ...band, support: 0 })),
});

function user(
  id: string,
  ageDays: number,
  cumulative: UserValue['cumulativeNetRevenueUsd'],
  netRevenueUsd: number,
): UserValue {
  return {
    userId: id,
    partnerId: 'kol-001',
    cohortDate: '2026-01-01',
    ageDays,
    netRevenueUsd,
    cumulativeNetRevenueUsd: cumulative,
  };
}

/** A (cohort, partner) of kol-001's 2026-01-01 signups, its users summed. */
function cohort(
  sums: Omit<CohortValueSums, 'cohortDate' | 'partnerId' | 'cumulativeNetRevenueUsd'> & {
    cumulative: CohortValueSums['cumulativeNetRevenueUsd'];
  },
): CohortValueSums {
  const { cumulative, ...rest } = sums;
  return { cohortDate: '2026-01-01', partnerId: 'kol-001', cumulativeNetRevenueUsd: cumulative, ...rest };
}

describe('fitPersistence', () => {
  it('measures each band as ratios of sums of its pairs', () => {
    // Prepare: band 0 (ages 0-6): 30 users trade 4 days then 2, 30 trade 6 days then none (drop out);
    // 60 idle users, 15 of whom come back for 2 days and $9.
    const pairs = [
      ...repeat({ ageDays: 3, lastDays: 4, nextDays: 2, nextUsd: 5 }, 30),
      ...repeat({ ageDays: 5, lastDays: 6, nextDays: 0, nextUsd: 0 }, 30),
      ...repeat({ ageDays: 0, lastDays: 0, nextDays: 2, nextUsd: 9 }, 15),
      ...repeat({ ageDays: 6, lastDays: 0, nextDays: 0, nextUsd: 0 }, 45),
    ];

    // Act
    const band = fitPersistence(pairs).bands[0] as BandParameters;

    // Assess: persistence 60 / 300 days, drop-out 30 / 60, reactivation 15 / 60 worth 135 / 60 USD and 30 / 60 days
    expect(band.persistence).toBeCloseTo(60 / 300, 12);
    expect(band.dropout).toBeCloseTo(0.5, 12);
    expect(band.reactivation).toBeCloseTo(0.25, 12);
    expect(band.reactivationUsd).toBeCloseTo(135 / 60, 12);
    expect(band.reactivationDays).toBeCloseTo(0.5, 12);
    expect(band.support).toBe(120);
  });

  it('lends a band without enough users the nearest measured band, younger first', () => {
    // Prepare: band 3 (30-59 days) measured, band 5 (90-119) too; band 4 (60-89) has 10 users
    const pairs = [
      ...repeat({ ageDays: 40, lastDays: 10, nextDays: 5, nextUsd: 1 }, 60),
      ...repeat({ ageDays: 40, lastDays: 0, nextDays: 0, nextUsd: 0 }, 60),
      ...repeat({ ageDays: 70, lastDays: 10, nextDays: 1, nextUsd: 1 }, 10),
      ...repeat({ ageDays: 100, lastDays: 10, nextDays: 8, nextUsd: 1 }, 60),
      ...repeat({ ageDays: 100, lastDays: 0, nextDays: 0, nextUsd: 0 }, 60),
    ];

    // Act
    const { bands } = fitPersistence(pairs);

    // Assess
    expect(bands[3]?.persistence).toBeCloseTo(0.5, 12);
    expect(bands[4]?.persistence).toBeCloseTo(0.5, 12);
    expect(bands[4]?.support).toBe(10);
    expect(bands[5]?.persistence).toBeCloseTo(0.8, 12);
    expect(bands[9]?.persistence).toBeCloseTo(0.8, 12);
    expect(bands[0]?.persistence).toBeCloseTo(0.5, 12);
  });

  it('recovers a known persistence from generated users', () => {
    // Prepare: every trading user keeps exactly 45% of their base days in the next window
    const pairs: WindowPair[] = [];
    for (let i = 0; i < 5000; i += 1) {
      const lastDays = i % 7 === 0 ? 0 : 1 + (i % 23);
      pairs.push({ ageDays: i % 400, lastDays, nextDays: 0.45 * lastDays, nextUsd: 0 });
    }

    // Act
    const { bands } = fitPersistence(pairs);

    // Assess
    for (const band of bands) expect(band.persistence).toBeCloseTo(0.45, 12);
  });

  it('shrinks a small partner towards the prior and leaves a large one near its own ratio', () => {
    // Prepare
    const prior = constantModel({
      persistence: 0.5,
      dropout: 0.2,
      reactivation: 0.1,
      reactivationUsd: 1,
      reactivationDays: 0.2,
    });
    const small = repeat({ ageDays: 200, lastDays: 10, nextDays: 1, nextUsd: 1 }, 5);
    const large = repeat({ ageDays: 200, lastDays: 10, nextDays: 1, nextUsd: 1 }, 5000);

    // Act
    const smallBand = fitPersistence(small, prior).bands[7] as BandParameters;
    const largeBand = fitPersistence(large, prior).bands[7] as BandParameters;

    // Assess: (5 + 500 * 0.5) / (50 + 500) and (5000 + 250) / (50000 + 500)
    expect(smallBand.persistence).toBeCloseTo(255 / 550, 12);
    expect(largeBand.persistence).toBeCloseTo(5250 / 50500, 12);
  });
});

describe('forecastPersistence', () => {
  it('chains windows and counts a last partial window pro rata', () => {
    // Prepare
    const model = constantModel({
      persistence: 0.4,
      dropout: 0.2,
      reactivation: 0.1,
      reactivationUsd: 1,
      reactivationDays: 0.1,
    });
    const state = { ageDays: 50, users: 10, lastWindowsUsd: [30, 20], lastWindowsDays: [6, 4], idleUsers: 4 };

    // Act
    const forecast = forecastPersistence(model, state, 45);

    // Assess: window 1: 0.4 * 50 + 1 * 4 = 24 USD, 0.4 * 10 + 0.1 * 4 = 4.4 days, idle 4 * 0.9 + 6 * 0.2 = 4.8;
    // window 2 (half): 0.4 * (24 + 30) + 4.8 = 26.4 USD, 0.4 * (4.4 + 6) + 0.48 = 4.64 days
    expect(forecast.netRevenueUsd).toBeCloseTo(24 + 26.4 / 2, 12);
    expect(forecast.tradeDays).toBeCloseTo(4.4 + 4.64 / 2, 12);
  });

  it('uses the band of the age each window starts at', () => {
    // Prepare: bands below 30 days keep everything, bands from 30 days keep nothing
    const model: PersistenceModel = {
      bands: AGE_BANDS_DAYS.map((lower) => ({
        persistence: lower < 30 ? 0.5 : 0,
        dropout: 0,
        reactivation: 0,
        reactivationUsd: 0,
        reactivationDays: 0,
        support: 0,
      })),
    };

    // Act: a user of 10 days with $8 so far; the second window starts at 40 days
    const forecast = forecastPersistence(
      model,
      { ageDays: 10, users: 1, lastWindowsUsd: [8, 0], lastWindowsDays: [2, 0], idleUsers: 0 },
      60,
    );

    // Assess
    expect(forecast.netRevenueUsd).toBeCloseTo(4, 12);
  });

  it('holds a group of 180 days or older at its run rate for three windows, then chains', () => {
    // Prepare
    const model = constantModel({
      persistence: 0.5,
      dropout: 0.2,
      reactivation: 0.1,
      reactivationUsd: 1,
      reactivationDays: 0.1,
    });
    const state = {
      ageDays: MATURE_AGE_DAYS,
      users: 10,
      lastWindowsUsd: [30, 20, 10],
      lastWindowsDays: [6, 4, 2],
      idleUsers: 4,
    };

    // Act
    const forecast = forecastPersistence(model, state, 105);

    // Assess: windows 1-3 at (30 + 20 + 10) / 3 = 20 USD and (6 + 4 + 2) / 3 = 4 days, idle users
    // still 4; window 4 (half): 0.5 * (20 + 20) + 1 * 4 = 24 USD, 0.5 * (4 + 4) + 0.1 * 4 = 4.4 days
    expect(MATURE_AGE_DAYS).toBe(180);
    expect(forecast.netRevenueUsd).toBeCloseTo(3 * 20 + 24 / 2, 12);
    expect(forecast.tradeDays).toBeCloseTo(3 * 4 + 4.4 / 2, 12);
  });

  it('chains a group a day younger than that from the start, ignoring the third window', () => {
    // Prepare
    const model = constantModel({
      persistence: 0.5,
      dropout: 0.2,
      reactivation: 0.1,
      reactivationUsd: 1,
      reactivationDays: 0.1,
    });
    const state = {
      ageDays: MATURE_AGE_DAYS - 1,
      users: 10,
      lastWindowsUsd: [30, 20, 10],
      lastWindowsDays: [6, 4, 2],
      idleUsers: 4,
    };

    // Act
    const forecast = forecastPersistence(model, state, 30);

    // Assess: 0.5 * (30 + 20) + 1 * 4 = 29 USD, 0.5 * (6 + 4) + 0.1 * 4 = 5.4 days
    expect(forecast.netRevenueUsd).toBeCloseTo(29, 12);
    expect(forecast.tradeDays).toBeCloseTo(5.4, 12);
  });
});

describe('value forecasts from windows', () => {
  it('pairs every window boundary a user had reached', () => {
    // Prepare: 75 days old; windows newest first
    const users = [user('u1', 75, { 90: 0, 180: 0, 365: 0 }, 0)];
    const windows = new Map<string, UserWindows>([
      ['u1', { tradeDays: [1, 2, 3, 4], netRevenueUsd: [10, 20, 30, 40] }],
    ]);

    // Act
    const pairs = windowPairs(users, windows);

    // Assess: boundaries 30 and 60 days back (ages 45 and 15), each with the two windows before it
    expect(pairs).toEqual([
      { ageDays: 45, lastDays: 5, nextDays: 1, nextUsd: 10 },
      { ageDays: 15, lastDays: 7, nextDays: 2, nextUsd: 20 },
    ]);
  });

  it('takes the observed value at a horizon the cohort has passed and forecasts the rest', () => {
    // Prepare: a 100-day-old cohort of two users: $3 + $5 = $8 by age 90, $4 + $6 = $10 to date;
    // only a traded (2 days, $1, in window 0), so b is idle
    const cohorts = [
      cohort({
        ageDays: 100,
        users: 2,
        netRevenueUsd: 10,
        cumulative: { 90: 8, 180: 8, 365: 8 },
        lastWindowsUsd: [1, 0, 0],
        lastWindowsDays: [2, 0, 0],
        idleUsers: 1,
      }),
    ];
    const model = constantModel({
      persistence: 0.5,
      dropout: 0,
      reactivation: 0,
      reactivationUsd: 0.25,
      reactivationDays: 0,
    });

    // Act
    const forecast = forecastCohorts(cohorts, model).get('2026-01-01|kol-001');

    // Assess: 80 days to 180: windows of 0.5 * 1 + 0.25 = 0.75, 0.5 * 1.75 + 0.25 = 1.125, then
    // 0.5 * 1.875 + 0.25 = 1.1875 for two thirds of a window
    expect(forecast?.users).toBe(2);
    expect(forecast?.toDate).toBe(10);
    expect(forecast?.[90]).toBeCloseTo(8, 12);
    expect(forecast?.[180]).toBeCloseTo(10 + 0.75 + 1.125 + (1.1875 * 2) / 3, 12);
  });

  it('holds a cohort of 180 days or older at its run rate of 90 days for 90 days, then chains', () => {
    // Prepare: a 200-day-old cohort of two users, $4 + $6 to date, $3 + $5 by age 90 and $4 + $6 by
    // 180; a traded a day in each of the last three windows ($3, $2, $1), b is idle
    const cohorts = [
      cohort({
        ageDays: 200,
        users: 2,
        netRevenueUsd: 10,
        cumulative: { 90: 8, 180: 10, 365: 10 },
        lastWindowsUsd: [3, 2, 1],
        lastWindowsDays: [1, 1, 1],
        idleUsers: 1,
      }),
    ];
    const model = constantModel({
      persistence: 0.5,
      dropout: 0,
      reactivation: 0,
      reactivationUsd: 0.25,
      reactivationDays: 0,
    });

    // Act
    const forecast = forecastCohorts(cohorts, model).get('2026-01-01|kol-001');

    // Assess: 165 days to 365: three windows at (3 + 2 + 1) / 3 = 2, then the chain with one idle
    // user: 0.5 * (2 + 2) + 0.25 = 2.25, 0.5 * (2.25 + 2) + 0.25 = 2.375, and half a window of
    // 0.5 * (2.375 + 2.25) + 0.25 = 2.5625; 90 and 180 days have passed and are observed
    expect(forecast?.[90]).toBeCloseTo(8, 12);
    expect(forecast?.[180]).toBeCloseTo(10, 12);
    expect(forecast?.[365]).toBeCloseTo(10 + 3 * 2 + 2.25 + 2.375 + 2.5625 / 2, 12);
  });

  it('chains a young cohort from its sums of the base windows, idle users apart', () => {
    // Prepare: a 40-day-old cohort of two users, $4 + $6 to date: a traded 2 days for $4 in window
    // 0, b 1 day for $6 in window 1, so neither is idle
    const cohorts = [
      cohort({
        ageDays: 40,
        users: 2,
        netRevenueUsd: 10,
        cumulative: { 90: 0, 180: 0, 365: 0 },
        lastWindowsUsd: [4, 6, 0],
        lastWindowsDays: [2, 1, 0],
        idleUsers: 0,
      }),
    ];
    const model = constantModel({
      persistence: 0.5,
      dropout: 0,
      reactivation: 0,
      reactivationUsd: 0.25,
      reactivationDays: 0,
    });

    // Act
    const forecast = forecastCohorts(cohorts, model).get('2026-01-01|kol-001');

    // Assess: not mature, no idle user: 50 days to 90, the chain from 0.5 * (4 + 6) = 5, then
    // 0.5 * (5 + 4) = 4.5 for two thirds of a window
    expect(forecast?.[90]).toBeCloseTo(10 + 5 + (4.5 * 2) / 3, 12);
  });
});

describe('the fit windows and user_state', () => {
  it('finds every window boundary among the trailing sums user_state carries', () => {
    // Assess: persistence_band_sums.sql makes window k of the trailing-window bands between two boundaries.
    const boundaries = Array.from({ length: FIT_WINDOWS }, (_, k) => (k + 1) * WINDOW_DAYS);
    for (const days of boundaries) expect(TRAILING_WINDOW_DAYS).toContain(days);
  });
});
