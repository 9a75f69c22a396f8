/**
 * Headline KPIs and time series, computed only from the rows of a model, so a view scoped to
 * some partners gets numbers computed from exactly those partners' rows.
 */
import { addDays, dateRange } from '../contract/dates.ts';
import {
  type DailyPartnerRow,
  type Kpi,
  type Kpis,
  type PartnerPerformance,
  type PublishFacts,
  type PublishModel,
  SERIES_DAYS,
  type SeriesPoint,
  type WindowMetrics,
} from './model.ts';

/** `numerator / denominator`, or null when either is unknown or the denominator is 0. */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return numerator / denominator;
}

/** A KPI whose change is relative: `current / previous - 1`. */
export function relativeKpi(current: number | null, previous: number | null): Kpi {
  const quotient = ratio(current, previous);
  return { current, previous, change: quotient === null ? null : quotient - 1 };
}

/** A KPI whose change is absolute: `current - previous` (for ROI, in ROI points). */
export function absoluteKpi(current: number | null, previous: number | null): Kpi {
  return { current, previous, change: current === null || previous === null ? null : current - previous };
}

/** Spend, sign-ups and FTDs of the daily rows dated in [from, to]. */
function dailyTotals(daily: readonly DailyPartnerRow[], from: string, to: string) {
  let spendUsd = 0;
  let signups = 0;
  let ftds = 0;
  for (const row of daily) {
    if (row.date < from || row.date > to) continue;
    spendUsd += row.spendUsd;
    signups += row.signups;
    ftds += row.ftds;
  }
  return { spendUsd, signups, ftds };
}

/** The sum of a nullable metric: null when every value is null (unknown), else the sum of the known. */
function sumKnown(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : known.reduce((sum, value) => sum + value, 0);
}

/**
 * The day-7 ROI of several partners pooled: partner_performance's roi_d7 is (revenue - spend) /
 * spend over the cohorts [end - 13, end - 7]; weighting each by that spend and dividing by the
 * total spend gives (total revenue - total spend) / total spend.
 */
function pooledRoiD7(
  performance: readonly PartnerPerformance[],
  pick: (row: PartnerPerformance) => WindowMetrics,
  daily: readonly DailyPartnerRow[],
  windowEnd: string,
): number | null {
  const cohortFrom = addDays(windowEnd, -13);
  const cohortTo = addDays(windowEnd, -7);
  let weighted = 0;
  let spend = 0;
  for (const row of performance) {
    const roi = pick(row).roiD7;
    if (roi === null) continue;
    const cohortSpend = dailyTotals(
      daily.filter((day) => day.partnerId === row.partnerId),
      cohortFrom,
      cohortTo,
    ).spendUsd;
    weighted += roi * cohortSpend;
    spend += cohortSpend;
  }
  return spend === 0 ? null : weighted / spend;
}

/** The headline KPIs of a model's rows. */
export function computeKpis(facts: PublishFacts): Kpis {
  const runDate = facts.runDate;
  const weekAgo = addDays(runDate, -7);
  const today = dailyTotals(facts.daily, runDate, runDate);
  const lastWeekDay = dailyTotals(facts.daily, weekAgo, weekAgo);
  const week = facts.performance.map((row) => row.week);
  const previous = facts.performance.map((row) => row.previousWeek);
  const sum = (rows: readonly WindowMetrics[], key: 'spendUsd' | 'signups' | 'ftds') =>
    rows.reduce((total, row) => total + row[key], 0);
  const weekSpend = sum(week, 'spendUsd');
  const previousSpend = sum(previous, 'spendUsd');
  const weekFtds = sum(week, 'ftds');
  const previousFtds = sum(previous, 'ftds');
  return {
    day: {
      date: runDate,
      comparedWith: weekAgo,
      spendUsd: relativeKpi(today.spendUsd, lastWeekDay.spendUsd),
      signups: relativeKpi(today.signups, lastWeekDay.signups),
      ftds: relativeKpi(today.ftds, lastWeekDay.ftds),
      cacUsd: relativeKpi(ratio(today.spendUsd, today.ftds), ratio(lastWeekDay.spendUsd, lastWeekDay.ftds)),
    },
    week: {
      from: addDays(runDate, -6),
      to: runDate,
      previousFrom: addDays(runDate, -13),
      previousTo: weekAgo,
      spendUsd: relativeKpi(weekSpend, previousSpend),
      signups: relativeKpi(sum(week, 'signups'), sum(previous, 'signups')),
      ftds: relativeKpi(weekFtds, previousFtds),
      cacUsd: relativeKpi(ratio(weekSpend, weekFtds), ratio(previousSpend, previousFtds)),
      netRevenueUsd: relativeKpi(
        sumKnown(week.map((row) => row.netRevenueUsd)),
        sumKnown(previous.map((row) => row.netRevenueUsd)),
      ),
      gmvUsd: relativeKpi(
        sumKnown(week.map((row) => row.gmvUsd)),
        sumKnown(previous.map((row) => row.gmvUsd)),
      ),
      roiD7: absoluteKpi(
        pooledRoiD7(facts.performance, (row) => row.week, facts.daily, runDate),
        pooledRoiD7(facts.performance, (row) => row.previousWeek, facts.daily, weekAgo),
      ),
    },
  };
}

/** One point per date of the last {@link SERIES_DAYS} days, over the model's daily rows. */
export function computeSeries(facts: PublishFacts): SeriesPoint[] {
  const dates = dateRange(addDays(facts.runDate, -(SERIES_DAYS - 1)), facts.runDate);
  const byDate = new Map(dates.map((date) => [date, { spendUsd: 0, signups: 0, ftds: 0 }]));
  for (const row of facts.daily) {
    const day = byDate.get(row.date);
    if (day === undefined) continue;
    day.spendUsd += row.spendUsd;
    day.signups += row.signups;
    day.ftds += row.ftds;
  }
  const days = dates.map((date) => ({
    date,
    ...(byDate.get(date) as { spendUsd: number; signups: number; ftds: number }),
  }));
  return days.map((day, index) => {
    let cac7dUsd: number | null = null;
    if (index >= 6) {
      const window = days.slice(index - 6, index + 1);
      cac7dUsd = ratio(
        window.reduce((total, d) => total + d.spendUsd, 0),
        window.reduce((total, d) => total + d.ftds, 0),
      );
    }
    return { ...day, cacUsd: ratio(day.spendUsd, day.ftds), cac7dUsd };
  });
}

/** Adds the derived KPIs and series to a model's facts. */
export function withDerived(facts: PublishFacts): PublishModel {
  return { ...facts, kpis: computeKpis(facts), series: computeSeries(facts) };
}
