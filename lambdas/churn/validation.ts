/**
 * How well a forecast of activity ranks and is calibrated: the area under the ROC curve and the
 * mean forecast against the observed rate by decile of the forecast.
 */

/** Users sharing one score, with how many of them were active. */
export interface ScoredGroup {
  readonly score: number;
  readonly users: number;
  readonly active: number;
}

/**
 * The area under the ROC curve of `score` as a test of activity: the chance that a random active
 * user scores above a random inactive one, ties counting half (the Mann-Whitney statistic).
 * Null when either class is empty.
 */
export function rocAuc(groups: readonly ScoredGroup[]): number | null {
  const byScore = new Map<number, { users: number; active: number }>();
  for (const group of groups) {
    const total = byScore.get(group.score) ?? { users: 0, active: 0 };
    total.users += group.users;
    total.active += group.active;
    byScore.set(group.score, total);
  }
  const positives = groups.reduce((sum, g) => sum + g.active, 0);
  const negatives = groups.reduce((sum, g) => sum + g.users - g.active, 0);
  if (positives === 0 || negatives === 0) return null;
  let negativesBelow = 0;
  let wins = 0;
  for (const [, total] of [...byScore].sort((a, b) => a[0] - b[0])) {
    const inactive = total.users - total.active;
    wins += total.active * (negativesBelow + inactive / 2);
    negativesBelow += inactive;
  }
  return wins / (positives * negatives);
}

/** One decile of the forecast: its users' mean forecast and observed rate. */
export interface CalibrationDecile {
  readonly decile: number;
  readonly users: number;
  readonly meanForecast: number;
  readonly observedRate: number;
}

/**
 * Calibration by decile: users sorted by forecast (ascending) and cut into ten groups of (nearly)
 * equal size; per group the mean forecast and the share observed active.
 */
export function calibrationByDecile(
  users: readonly { readonly forecast: number; readonly active: boolean }[],
): CalibrationDecile[] {
  const sorted = [...users].sort((a, b) => a.forecast - b.forecast);
  const deciles: CalibrationDecile[] = [];
  for (let decile = 0; decile < 10; decile++) {
    const slice = sorted.slice(
      Math.floor((decile * sorted.length) / 10),
      Math.floor(((decile + 1) * sorted.length) / 10),
    );
    if (slice.length === 0) continue;
    deciles.push({
      decile: decile + 1,
      users: slice.length,
      meanForecast: slice.reduce((sum, u) => sum + u.forecast, 0) / slice.length,
      observedRate: slice.filter((u) => u.active).length / slice.length,
    });
  }
  return deciles;
}
