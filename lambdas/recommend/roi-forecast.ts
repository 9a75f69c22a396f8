/**
 * One ROI story per partner (docs/contract.md, partner_roi_forecast): the matured day-7 and day-30
 * ROI of partner_performance beside the ROI its last 30 days' cohorts are projected to reach at
 * the recommender's value horizon (from the same cohort forecasts as ltv_forecast), the day they
 * pay back, and how sure that is. Alerts about ROI read the projection, so an alert and a
 * recommendation about the same partner judge the same money at the same horizon.
 */
import { addDays } from '../contract/dates.ts';
import { LTV_HORIZONS_DAYS, type LtvHorizonDays } from '../contract/tables-recommend.ts';
import type { CohortForecast } from './ltv-forecast.ts';

/** The cohorts a projection covers: the 30 days ending on R, the window of partner_performance's 30-day rows. */
export const ROI_FORECAST_WINDOW_DAYS = 30;

/** The two-sided 95% normal quantile. */
const Z_95 = 1.959963984540054;

/** What the projection of one partner reads. */
export interface RoiForecastInput {
  readonly partnerId: string;
  /** The partner's spend per date, USD; dates outside the window are ignored. */
  readonly spendByDate: ReadonlyMap<string, number>;
  /** The partner's cohorts per cohort date (ltv_forecast's users and values); null without a value model. */
  readonly cohorts: ReadonlyMap<string, CohortForecast> | null;
  /** partner_performance of R, window 30: the matured cohorts' ROI at ages 7 and 30. */
  readonly roiD7: number | null;
  readonly roiD30: number | null;
}

/** The projection of one partner (a partner_roi_forecast row, less the run date). */
export interface PartnerRoiForecast {
  readonly partnerId: string;
  readonly horizonDays: LtvHorizonDays;
  /** Spend on the window's dates, USD. */
  readonly spendUsd: number;
  /** Users of the window's cohorts. */
  readonly cohortUsers: number;
  /** What those cohorts earned to date, USD. */
  readonly valueToDateUsd: number;
  /** What they are projected to have earned at the horizon from signup, USD; null without a value model. */
  readonly projectedValueUsd: number | null;
  readonly roiD7: number | null;
  readonly roiD30: number | null;
  /** projectedValueUsd / spendUsd - 1; null without spend or a projection. */
  readonly projectedRoi: number | null;
  /**
   * The 95% interval of projectedRoi from the spread of the window's daily cohorts, never below -1
   * (value cannot be negative); null below two cohort days.
   */
  readonly projectedRoiLow: number | null;
  readonly projectedRoiHigh: number | null;
  /** The age in days at which the cohorts' value is projected to reach their spend; null when not within 365 days. */
  readonly paybackDay: number | null;
  /** The payback day at the interval's high and low ends: earliest and latest. */
  readonly paybackDayEarliest: number | null;
  readonly paybackDayLatest: number | null;
}

/**
 * A ratio estimate Σy / Σx over daily cohorts and its standard error (the ratio estimator's
 * linearisation: SE² = n / (n - 1) · Σ (y_i - r·x_i)² / (Σx)², n the days with spend or users).
 * A single whale cohort widens it, which is the uncertainty a manager should see.
 */
export function ratioWithError(
  days: readonly { readonly x: number; readonly y: number }[],
): { ratio: number; standardError: number | null } | null {
  const used = days.filter((day) => day.x !== 0 || day.y !== 0);
  const sumX = used.reduce((total, day) => total + day.x, 0);
  if (sumX <= 0) return null;
  const ratio = used.reduce((total, day) => total + day.y, 0) / sumX;
  const n = used.length;
  if (n < 2) return { ratio, standardError: null };
  const squares = used.reduce((total, day) => total + (day.y - ratio * day.x) ** 2, 0);
  return { ratio, standardError: Math.sqrt((n / (n - 1)) * squares) / sumX };
}

/**
 * The first age at which a cumulative ROAS curve reaches 1, by linear interpolation between its
 * points (the curve is made non-decreasing first: value to date never falls), rounded up to a
 * whole day; null when the last point is below 1.
 */
export function paybackDay(
  points: readonly { readonly ageDay: number; readonly roas: number }[],
): number | null {
  let previous = { ageDay: 0, roas: 0 };
  for (const point of [...points].sort((a, b) => a.ageDay - b.ageDay)) {
    const roas = Math.max(point.roas, previous.roas);
    if (roas >= 1) {
      if (previous.roas >= 1 || roas === previous.roas) return previous.ageDay;
      const fraction = (1 - previous.roas) / (roas - previous.roas);
      return Math.ceil(previous.ageDay + fraction * (point.ageDay - previous.ageDay) - 1e-9);
    }
    previous = { ageDay: point.ageDay, roas };
  }
  return null;
}

/**
 * The projection of one partner at `horizon`: the window's cohorts valued at the horizon against the
 * window's spend, and the payback day on the curve through the matured ROAS at ages 7 and 30 (where
 * not above the projection at 90) and the window's projected ROAS at 90, 180 and 365 days.
 */
export function forecastPartnerRoi(
  input: RoiForecastInput,
  runDate: string,
  horizon: LtvHorizonDays,
): PartnerRoiForecast {
  const days: { spend: number; cohort: CohortForecast | undefined }[] = [];
  for (let offset = ROI_FORECAST_WINDOW_DAYS - 1; offset >= 0; offset -= 1) {
    const date = addDays(runDate, -offset);
    days.push({ spend: input.spendByDate.get(date) ?? 0, cohort: input.cohorts?.get(date) });
  }
  const spendUsd = days.reduce((total, day) => total + day.spend, 0);
  const cohortUsers = days.reduce((total, day) => total + (day.cohort?.users ?? 0), 0);
  const valueToDateUsd = days.reduce((total, day) => total + (day.cohort?.toDate ?? 0), 0);
  // Each horizon's ratio estimate, once: the projection reads one, the payback curves all three.
  const estimates = new Map(
    LTV_HORIZONS_DAYS.map((h) => [
      h,
      input.cohorts === null
        ? null
        : ratioWithError(days.map((day) => ({ x: day.spend, y: day.cohort?.[h] ?? 0 }))),
    ]),
  );
  const roas = estimates.get(horizon) ?? null;
  const spread = roas?.standardError === null || roas === null ? null : Z_95 * roas.standardError;

  const matured = [
    { ageDay: 7, roi: input.roiD7 },
    { ageDay: 30, roi: input.roiD30 },
  ].flatMap((point) => (point.roi === null ? [] : [{ ageDay: point.ageDay, roas: 1 + point.roi }]));
  // The matured ROAS shape the first 90 days only where they stay below the window's own projection
  // at 90: older cohorts that did better must not make the window's cohorts look paid back.
  const curve = (shift: (estimate: { ratio: number; standardError: number | null }) => number) => {
    if (input.cohorts === null) return null;
    const projected = LTV_HORIZONS_DAYS.flatMap((h) => {
      const estimate = estimates.get(h);
      return estimate === null || estimate === undefined
        ? []
        : [{ ageDay: h as number, roas: shift(estimate) }];
    });
    const ceiling = projected[0]?.roas ?? 0;
    return [...matured.filter((point) => point.roas <= ceiling), ...projected];
  };
  const payback = (shift: (estimate: { ratio: number; standardError: number | null }) => number) => {
    const points = curve(shift);
    return points === null || spendUsd <= 0 ? null : paybackDay(points);
  };
  const band = (estimate: { ratio: number; standardError: number | null }) =>
    estimate.standardError === null ? 0 : Z_95 * estimate.standardError;

  return {
    partnerId: input.partnerId,
    horizonDays: horizon,
    spendUsd,
    cohortUsers,
    valueToDateUsd,
    projectedValueUsd:
      input.cohorts === null ? null : days.reduce((total, day) => total + (day.cohort?.[horizon] ?? 0), 0),
    roiD7: input.roiD7,
    roiD30: input.roiD30,
    projectedRoi: roas === null ? null : roas.ratio - 1,
    projectedRoiLow: roas === null || spread === null ? null : Math.max(0, roas.ratio - spread) - 1,
    projectedRoiHigh: roas === null || spread === null ? null : roas.ratio + spread - 1,
    paybackDay: payback((estimate) => estimate.ratio),
    paybackDayEarliest: spread === null ? null : payback((estimate) => estimate.ratio + band(estimate)),
    paybackDayLatest: spread === null ? null : payback((estimate) => estimate.ratio - band(estimate)),
  };
}
