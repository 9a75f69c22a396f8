/**
 * The alerts of a run date (docs/contract.md, kpi_alerts): each scope's day R against its weekly
 * baseline, raised only when the change is large in volume, in relative terms and against the
 * day-to-day noise at once, so that 2 -> 4 sign-ups and a weekend dip are not news.
 */
import { type Baseline, baselineOf, type DailySeries, HISTORY_DAYS, weekdayFactors } from './baseline.ts';

/** The daily metrics a scope's series carries (CAC is derived from spend and FTDs). */
export const SERIES_METRICS = ['spend_usd', 'signups', 'ftds', 'net_revenue_usd'] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

/** One value per series metric, computed by `of`. */
export function perMetric<T>(of: (metric: SeriesMetric) => T): Record<SeriesMetric, T> {
  return {
    spend_usd: of('spend_usd'),
    signups: of('signups'),
    ftds: of('ftds'),
    net_revenue_usd: of('net_revenue_usd'),
  };
}

/** What an alert is about. */
export type AlertMetric = SeriesMetric | 'cac_usd' | 'tracking';

export type AlertScope = 'all' | 'channel' | 'partner';

/** One scope's daily series over [R - 28, R], each metric's days oldest first (missing days are 0). */
export interface ScopeSeries {
  readonly scope: AlertScope;
  /** `all` for the program, the channel, or the partner id (`organic` and `unattributed` included). */
  readonly scopeId: string;
  readonly series: Readonly<Record<SeriesMetric, DailySeries>>;
}

/** One row of kpi_alerts, without its run date. */
export interface KpiAlert {
  readonly scope: AlertScope;
  readonly scopeId: string;
  readonly metric: AlertMetric;
  readonly value: number;
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  readonly direction: 'up' | 'down';
  readonly severity: 'warn' | 'critical';
  readonly reason: string;
}

/** The thresholds of one metric's gates. */
export interface MetricGates {
  /** R's value or its expected value must reach this (a count, or USD). */
  readonly minVolume: number;
  /** `|value / expected - 1|` must reach this. */
  readonly minRelativeChange: number;
  /**
   * The smallest spread of a day as a fraction of the expected value `c`: money varies by at least
   * `c * expected`, a count of mean m by at least `sqrt(m + c^2 m^2)` (Poisson, and some more).
   */
  readonly relativeSpreadFloor: number;
}

/** The method's thresholds (docs/contract.md, kpi_alerts). */
export interface AlertConfig {
  /** Half-width of the expected range, in spreads. */
  readonly bandSpreads: number;
  /** An alert beyond this many half-widths of the range from the expected value is critical. */
  readonly criticalHalfWidths: number;
  readonly gates: Readonly<Record<SeriesMetric | 'cac_usd', MetricGates>>;
  /** CAC is judged only when the expected FTDs of R reach this. */
  readonly cacMinExpectedFtds: number;
  /** A partner is tracked for outages when its mean daily sign-ups over [R - 28, R - 1] reach this. */
  readonly trackingMinSignups: number;
}

export const DEFAULT_ALERT_CONFIG: AlertConfig = {
  bandSpreads: 3.5,
  criticalHalfWidths: 2,
  gates: {
    signups: { minVolume: 10, minRelativeChange: 0.4, relativeSpreadFloor: 0.15 },
    ftds: { minVolume: 10, minRelativeChange: 0.4, relativeSpreadFloor: 0.15 },
    spend_usd: { minVolume: 200, minRelativeChange: 0.4, relativeSpreadFloor: 0.1 },
    net_revenue_usd: { minVolume: 500, minRelativeChange: 0.5, relativeSpreadFloor: 0.25 },
    cac_usd: { minVolume: 0, minRelativeChange: 0.4, relativeSpreadFloor: 0 },
  },
  cacMinExpectedFtds: 10,
  trackingMinSignups: 5,
};

const COUNT_METRICS: ReadonlySet<AlertMetric> = new Set(['signups', 'ftds', 'tracking']);

const METRIC_LABEL: Record<AlertMetric, string> = {
  spend_usd: 'Spend',
  signups: 'Sign-ups',
  ftds: 'FTDs',
  cac_usd: 'CAC',
  net_revenue_usd: 'Net revenue',
  tracking: 'Tracking',
};

/** `12`, `12.5`; `$1,234.50` for money. */
function formatValue(metric: AlertMetric, value: number): string {
  if (COUNT_METRICS.has(metric)) return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function scopeLabel(scope: AlertScope, scopeId: string): string {
  if (scope === 'all') return 'the program';
  return `${scope} ${scopeId}`;
}

/**
 * A day's expected value and range. The range is symmetric on the band's scale: counts on the
 * square-root scale (where a Poisson count's spread is 1/2 whatever its mean, so the range is
 * wider above than below, and a drop of a small count is judged as fairly as a spike), money on
 * its own scale, CAC on the log scale.
 */
interface Band {
  readonly expected: number;
  readonly lower: number;
  readonly upper: number;
  /** The band's scale: `transform(value)` is compared to `transform(expected)`. */
  readonly transform: (value: number) => number;
  /** One spread on the band's scale. */
  readonly spread: number;
  /** The standard deviation of log(value): the spread relative to the expected value (for CAC). */
  readonly relativeSpread: number;
}

function bandAround(
  expected: number,
  spread: number,
  transform: (value: number) => number,
  inverse: (scaled: number) => number,
  relativeSpread: number,
  config: AlertConfig,
): Band {
  const center = transform(expected);
  const halfWidth = config.bandSpreads * spread;
  return {
    expected,
    lower: Math.max(0, inverse(center - halfWidth)),
    upper: inverse(center + halfWidth),
    transform,
    spread,
    relativeSpread,
  };
}

const sqrtOrZero = (value: number) => Math.sqrt(Math.max(0, value));
const squareOfPositive = (scaled: number) => (scaled <= 0 ? 0 : scaled * scaled);
const identity = (value: number) => value;

/**
 * The band of a series metric. Counts: on the square-root scale, the larger of the observed
 * spread (MAD / (2 sqrt(expected)), the delta method) and the Poisson floor 1/2, widened for
 * overdispersion by `relativeSpreadFloor` (sqrt(1 + c^2 expected) / 2: a count of mean m varies at
 * least by sqrt(m + c^2 m^2)). Money: the larger of the observed spread and `relativeSpreadFloor`
 * times the expected value.
 */
function bandOf(metric: SeriesMetric, baseline: Baseline, config: AlertConfig): Band {
  const { expected } = baseline;
  const floor = config.gates[metric].relativeSpreadFloor;
  if (COUNT_METRICS.has(metric)) {
    const root = Math.sqrt(Math.max(expected, 0));
    const spread = Math.max(
      baseline.spread / (2 * Math.max(root, 1)),
      Math.sqrt(1 + floor * floor * expected) / 2,
    );
    const relative = expected > 0 ? (2 * spread) / root : Number.POSITIVE_INFINITY;
    return bandAround(expected, spread, sqrtOrZero, squareOfPositive, relative, config);
  }
  const spread = Math.max(baseline.spread, floor * expected);
  const relative = expected > 0 ? spread / expected : Number.POSITIVE_INFINITY;
  return bandAround(expected, spread, identity, identity, relative, config);
}

/** Whether R's value clears every gate: volume, relative change, outside the range. */
function isNews(value: number, band: Band, gates: MetricGates): boolean {
  if (Math.max(value, band.expected) < gates.minVolume) return false;
  const change = band.expected > 0 ? Math.abs(value / band.expected - 1) : Number.POSITIVE_INFINITY;
  if (change < gates.minRelativeChange) return false;
  return value > band.upper || value < band.lower;
}

/** Beyond `criticalHalfWidths` half-widths of the range from the expected value, on the band's scale. */
function isCritical(value: number, band: Band, config: AlertConfig): boolean {
  const distance = Math.abs(band.transform(value) - band.transform(band.expected));
  return distance > config.criticalHalfWidths * config.bandSpreads * band.spread;
}

function alertOf(
  target: ScopeSeries,
  metric: AlertMetric,
  value: number,
  band: Band,
  critical: boolean,
  runDate: string,
): KpiAlert {
  const direction = value > band.expected ? 'up' : 'down';
  const label = METRIC_LABEL[metric];
  const reason =
    `${label} of ${scopeLabel(target.scope, target.scopeId)} on ${runDate}: ${formatValue(metric, value)}, ` +
    `${direction === 'up' ? 'above' : 'below'} the expected ${formatValue(metric, band.expected)} ` +
    `(range ${formatValue(metric, band.lower)} to ${formatValue(metric, band.upper)}).`;
  return {
    scope: target.scope,
    scopeId: target.scopeId,
    metric,
    value,
    expected: band.expected,
    lower: band.lower,
    upper: band.upper,
    direction,
    severity: critical ? 'critical' : 'warn',
    reason,
  };
}

/**
 * CAC of R (spend / FTDs of R) against expected spend over expected FTDs, its range by the delta
 * method on the log scale: the relative spreads of spend and FTDs (the FTDs' with their Poisson
 * floor) add in quadrature, so few FTDs give a wide range. Judged only when the expected FTDs reach
 * `cacMinExpectedFtds` and R has spend and an FTD (no spend is a spend alert, not a CAC one).
 */
function cacAlert(
  target: ScopeSeries,
  spend: Band,
  ftds: Band,
  runDate: string,
  config: AlertConfig,
): KpiAlert | null {
  const spendToday = target.series.spend_usd[HISTORY_DAYS] as number;
  const ftdsToday = target.series.ftds[HISTORY_DAYS] as number;
  if (ftds.expected < config.cacMinExpectedFtds || ftdsToday <= 0 || !(spendToday > 0) || spend.expected <= 0)
    return null;
  const value = spendToday / ftdsToday;
  const expected = spend.expected / ftds.expected;
  const band = bandAround(
    expected,
    Math.hypot(spend.relativeSpread, ftds.relativeSpread),
    Math.log,
    Math.exp,
    Math.hypot(spend.relativeSpread, ftds.relativeSpread),
    config,
  );
  if (!isNews(value, band, config.gates.cac_usd)) return null;
  const critical = isCritical(value, band, config);
  return alertOf(target, 'cac_usd', value, band, critical, runDate);
}

/**
 * The tracking alert of a partner: a mean of at least `trackingMinSignups` sign-ups a day over
 * [R - 28, R - 1], spend on R and no sign-up on R. Always critical, direction down; its expected
 * value and range are the sign-ups'.
 */
function trackingAlert(
  target: ScopeSeries,
  signups: Band,
  meanSignups: number,
  runDate: string,
  config: AlertConfig,
): KpiAlert | null {
  if (target.scope !== 'partner' || meanSignups < config.trackingMinSignups) return null;
  const spendToday = target.series.spend_usd[HISTORY_DAYS] as number;
  if (!(spendToday > 0) || (target.series.signups[HISTORY_DAYS] as number) !== 0) return null;
  return {
    ...alertOf(target, 'tracking', 0, signups, true, runDate),
    reason:
      `Partner ${target.scopeId} spent ${formatValue('spend_usd', spendToday)} on ${runDate} but recorded no ` +
      `sign-up against ${formatValue('signups', signups.expected)} expected (range ` +
      `${formatValue('signups', signups.lower)} to ${formatValue('signups', signups.upper)}): check its tracking.`,
  };
}

/** The alerts of one scope on R. */
function scopeAlerts(
  target: ScopeSeries,
  factors: Readonly<Record<SeriesMetric, readonly number[]>>,
  runDate: string,
  config: AlertConfig,
): KpiAlert[] {
  const baselines = perMetric((metric) => baselineOf(target.series[metric], factors[metric]));
  const bands = perMetric((metric) => bandOf(metric, baselines[metric], config));
  const alerts: KpiAlert[] = [];
  const tracking = trackingAlert(target, bands.signups, baselines.signups.historyMean, runDate, config);
  for (const metric of SERIES_METRICS) {
    // A tracking alert explains the sign-ups' drop: it is raised instead.
    if (metric === 'signups' && tracking !== null) continue;
    const value = target.series[metric][HISTORY_DAYS] as number;
    const band = bands[metric];
    if (!isNews(value, band, config.gates[metric])) continue;
    const critical = isCritical(value, band, config);
    alerts.push(alertOf(target, metric, value, band, critical, runDate));
  }
  const cac = cacAlert(target, bands.spend_usd, bands.ftds, runDate, config);
  if (cac !== null) alerts.push(cac);
  if (tracking !== null) alerts.push(tracking);
  return alerts;
}

/** A series of zeros over [R - 28, R]. */
export const EMPTY_SERIES: DailySeries = new Array(HISTORY_DAYS + 1).fill(0);

/**
 * Every alert of R over the given scopes, ordered by scope (all, channel, partner), scope id and
 * metric. The weekday factors come from the `all` scope (or, without one, the sum of the partners).
 */
export function kpiAlerts(
  runDate: string,
  scopes: readonly ScopeSeries[],
  config: AlertConfig = DEFAULT_ALERT_CONFIG,
): KpiAlert[] {
  const program =
    scopes.find((target) => target.scope === 'all') ??
    ({
      scope: 'all',
      scopeId: 'all',
      series: perMetric((metric) =>
        EMPTY_SERIES.map((_, day) =>
          scopes
            .filter((target) => target.scope === 'partner')
            .reduce((sum, target) => sum + (target.series[metric][day] as number), 0),
        ),
      ),
    } satisfies ScopeSeries);
  const factors = perMetric((metric) => weekdayFactors(program.series[metric]));
  const scopeOrder: Record<AlertScope, number> = { all: 0, channel: 1, partner: 2 };
  return [...scopes]
    .sort((a, b) => scopeOrder[a.scope] - scopeOrder[b.scope] || a.scopeId.localeCompare(b.scopeId))
    .flatMap((target) =>
      scopeAlerts(target, factors, runDate, config).sort((a, b) => a.metric.localeCompare(b.metric)),
    );
}
