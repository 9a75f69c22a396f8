/**
 * How kpi_alerts read in the digests and the dashboard: each alert in one line with its value and
 * expected range, the scope by its name, most severe first.
 */
import { reconcileAlert } from './alert-reconcile.ts';
import { formatCount, formatUsd } from './format.ts';
import type { KpiAlert, PublishModel } from './model.ts';

/** Alerts a digest lists before `and N more on the dashboard`. */
export const KPI_ALERTS_SHOWN = 8;

/** Each alert metric's label and how its values are written. */
export const ALERT_METRICS: Readonly<
  Record<KpiAlert['metric'], { readonly label: string; readonly format: (value: number) => string }>
> = {
  spend_usd: { label: 'Spend', format: formatUsd },
  signups: { label: 'Sign-ups', format: (value) => formatCount(Math.round(value)) },
  ftds: { label: 'FTDs', format: (value) => formatCount(Math.round(value)) },
  cac_usd: { label: 'CAC', format: formatUsd },
  net_revenue_usd: { label: 'Net revenue', format: formatUsd },
  tracking: { label: 'Tracking', format: (value) => formatCount(Math.round(value)) },
};

/** `all partners`, `kol channel`, or the partner's name. */
export function alertScopeLabel(model: PublishModel, alert: KpiAlert): string {
  if (alert.scope === 'all') return 'all partners';
  if (alert.scope === 'channel') return `${alert.scopeId} channel`;
  return model.partners.find((partner) => partner.partnerId === alert.scopeId)?.name ?? alert.scopeId;
}

/** How far outside its range an alert is, in half-widths of the range on its side (0 when inside). */
function excess(alert: KpiAlert): number {
  const halfWidth = alert.direction === 'up' ? alert.upper - alert.expected : alert.expected - alert.lower;
  return halfWidth > 0 ? Math.abs(alert.value - alert.expected) / halfWidth : Number.POSITIVE_INFINITY;
}

/**
 * The alerts, most severe first: critical before warn, tracking outages first among them, then the
 * farthest outside its range; ties by scope and metric.
 */
export function sortedAlerts(alerts: readonly KpiAlert[]): KpiAlert[] {
  const severity = { critical: 0, warn: 1 } as const;
  return [...alerts].sort(
    (a, b) =>
      severity[a.severity] - severity[b.severity] ||
      Number(b.metric === 'tracking') - Number(a.metric === 'tracking') ||
      excess(b) - excess(a) ||
      a.scope.localeCompare(b.scope) ||
      a.scopeId.localeCompare(b.scopeId) ||
      a.metric.localeCompare(b.metric),
  );
}

/**
 * An alert in one line: `Sign-ups of CoinCompare: 45, above the expected 20 (range 6 to 43).`, or
 * for tracking `Alpha had spend but recorded no sign-up, against 8 expected (range 1 to 22): check its tracking.`,
 * followed, for a partner whose recommendation points the other way, by the sentence that reconciles them.
 */
export function alertLine(model: PublishModel, alert: KpiAlert): string {
  const who = alertScopeLabel(model, alert);
  const metric = ALERT_METRICS[alert.metric];
  const range = `(range ${metric.format(alert.lower)} to ${metric.format(alert.upper)})`;
  const line =
    alert.metric === 'tracking'
      ? `${who} had spend but recorded no sign-up, against ${metric.format(alert.expected)} expected ${range}: check its tracking.`
      : `${metric.label} of ${who}: ${metric.format(alert.value)}, ${alert.direction === 'up' ? 'above' : 'below'} ` +
        `the expected ${metric.format(alert.expected)} ${range}.`;
  // A partner's alert that its recommendation points against says how the two fit (alert-reconcile.ts).
  const reconciled =
    alert.scope === 'partner'
      ? reconcileAlert(
          alert,
          model.recommendations.find((row) => row.partnerId === alert.scopeId),
        )
      : null;
  return reconciled === null ? line : `${line} ${reconciled}`;
}

/** `Critical` or `Warning`. */
export function severityLabel(alert: KpiAlert): string {
  return alert.severity === 'critical' ? 'Critical' : 'Warning';
}

/** What a digest says when it has no alert at all. */
export const NO_ALERTS =
  'No alerts. Every KPI of the day is within its expected range, and ROI within your target.';
