/**
 * What a day was expected to show (docs/contract.md, kpi_alerts): a robust weekly baseline from the
 * 28 days before R, built only from a daily series, so that the same code serves the pipeline and
 * the benchmark.
 */

/** Days of history a baseline reads before R: four whole weeks, [R - 28, R - 1]. */
export const HISTORY_DAYS = 28;

/** Values of a daily series: [R - 28, R], oldest first; index {@link HISTORY_DAYS} is R itself. */
export type DailySeries = readonly number[];

/** Consistency constant that makes a median absolute deviation estimate a normal standard deviation. */
const MAD_TO_SIGMA = 1.4826;

/**
 * A day's residual is taken from a model that its own value helped fit (a median of four): such
 * residuals are smaller than a new day's deviation, by about sqrt(3/4) for a mean of four.
 */
const SELF_INCLUSION = Math.sqrt(4 / 3);

/** The median of a non-empty list (the mean of the middle two for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The four weekly sums of the history: [R - 28, R - 22], [R - 21, R - 15], [R - 14, R - 8], [R - 7, R - 1]. */
export function weeklySums(series: DailySeries): number[] {
  return [0, 1, 2, 3].map((week) =>
    series.slice(week * 7, week * 7 + 7).reduce((sum, value) => sum + value, 0),
  );
}

/**
 * Each weekday's share of an average day, indexed by the day's offset from R modulo 7 (0 is R's own
 * weekday): per week, the day's value over the week's daily mean; then the median of the weeks that
 * have any volume. 1 for every weekday when no week has any. Estimated once at program level, where
 * counts are large, and applied to every scope (small partners cannot estimate their own).
 */
export function weekdayFactors(program: DailySeries): number[] {
  const sums = weeklySums(program);
  return [0, 1, 2, 3, 4, 5, 6].map((weekday) => {
    const ratios = [0, 1, 2, 3]
      .filter((week) => (sums[week] as number) > 0)
      .map((week) => (program[week * 7 + weekday] as number) / ((sums[week] as number) / 7));
    return ratios.length === 0 ? 1 : median(ratios);
  });
}

/** A day's baseline: what it was expected to show, and how far a normal day strays from that. */
export interface Baseline {
  /** The expected value of R. */
  readonly expected: number;
  /** The robust standard deviation of a day around its baseline (before any floor). */
  readonly spread: number;
  /** The mean over [R - 28, R - 1]. */
  readonly historyMean: number;
}

/**
 * The baseline of R: the mean of two estimates, each robust to one odd day or week,
 * - the level (the median of the four weekly sums, divided by 7) times R's weekday factor, and
 * - the median of the same weekday's four values (R - 7, R - 14, R - 21, R - 28), which follows a
 *   scope's own weekly pattern when it differs from the program's;
 * and the spread: the median absolute deviation (scaled to a standard deviation, and for the
 * model's fit to the days themselves) of the 28 days' residuals from the same model on their weekday.
 */
export function baselineOf(series: DailySeries, factors: readonly number[]): Baseline {
  const level = median(weeklySums(series)) / 7;
  // The model of each weekday (offset from R modulo 7): the mean of level times the program's
  // factor and the median of the scope's own four values of that weekday.
  const model = [0, 1, 2, 3, 4, 5, 6].map(
    (weekday) =>
      (level * (factors[weekday] as number) +
        median([0, 7, 14, 21].map((week) => series[week + weekday] as number))) /
      2,
  );
  const residuals = series.slice(0, HISTORY_DAYS).map((value, index) => value - (model[index % 7] as number));
  const center = median(residuals);
  const spread =
    SELF_INCLUSION * MAD_TO_SIGMA * median(residuals.map((residual) => Math.abs(residual - center)));
  const historyMean = series.slice(0, HISTORY_DAYS).reduce((sum, value) => sum + value, 0) / HISTORY_DAYS;
  return { expected: model[0] as number, spread, historyMean };
}
