/**
 * kpi_alerts of a run date: the daily series of every scope from SQL (queries/marts/kpi_alert_series.sql),
 * the baselines, gates and severities here, the rows written as R's partition.
 */
import { addDays } from '../contract/dates.ts';
import { KPI_ALERTS } from '../contract/tables.ts';
import type { Engine, Row } from '../warehouse/engine.ts';
import { queryFile, type SqlParam } from '../warehouse/sql.ts';
import { HISTORY_DAYS } from './baseline.ts';
import {
  type AlertConfig,
  type AlertScope,
  DEFAULT_ALERT_CONFIG,
  EMPTY_SERIES,
  type KpiAlert,
  kpiAlerts,
  perMetric,
  type ScopeSeries,
  SERIES_METRICS,
  type SeriesMetric,
} from './kpi-alerts.ts';

const ALERT_COLUMNS = [...KPI_ALERTS.columns.map((column) => column.name), 'run_date'];

const SCOPES: ReadonlySet<string> = new Set<AlertScope>(['all', 'channel', 'partner']);
const METRICS: ReadonlySet<string> = new Set<SeriesMetric>(SERIES_METRICS);

/**
 * The scopes' series from the rows of kpi_alert_series (scope, scope_id, metric, metric_date, value):
 * each metric's days [R - 28, R], 0 where the query has no row.
 */
export function scopeSeriesOf(runDate: string, rows: readonly Row[]): ScopeSeries[] {
  const first = addDays(runDate, -HISTORY_DAYS);
  const byScope = new Map<
    string,
    { scope: AlertScope; scopeId: string; series: Record<SeriesMetric, number[]> }
  >();
  for (const row of rows) {
    const scope = String(row.scope);
    const metric = String(row.metric);
    if (!SCOPES.has(scope) || !METRICS.has(metric)) continue;
    const date = String(row.metric_date);
    const day = Math.round((Date.parse(date) - Date.parse(first)) / 86_400_000);
    if (day < 0 || day > HISTORY_DAYS) continue;
    const key = `${scope}|${String(row.scope_id)}`;
    let entry = byScope.get(key);
    if (entry === undefined) {
      entry = {
        scope: scope as AlertScope,
        scopeId: String(row.scope_id),
        series: perMetric(() => [...EMPTY_SERIES]),
      };
      byScope.set(key, entry);
    }
    entry.series[metric as SeriesMetric][day] = Number(row.value ?? 0);
  }
  return [...byScope.values()];
}

/** A kpi_alerts row in the table's column order, run date last. */
export function alertRow(runDate: string, alert: KpiAlert): SqlParam[] {
  return [
    alert.scope,
    alert.scopeId,
    alert.metric,
    alert.value,
    alert.expected,
    alert.lower,
    alert.upper,
    alert.direction,
    alert.severity,
    alert.reason,
    { date: runDate },
  ];
}

/**
 * Builds kpi_alerts of each run date, replacing its partition: one query per date reads the 29 days
 * [R - 28, R] (the state of R, user_daily, spend_daily). Returns the number of alerts written.
 */
export async function buildKpiAlerts(
  engine: Engine,
  runDates: readonly string[],
  config: AlertConfig = DEFAULT_ALERT_CONFIG,
): Promise<number> {
  const rows: SqlParam[][] = [];
  for (const runDate of runDates) {
    const series = await engine.query(queryFile('marts/kpi_alert_series', { run_date: { date: runDate } }));
    rows.push(
      ...kpiAlerts(runDate, scopeSeriesOf(runDate, series), config).map((alert) => alertRow(runDate, alert)),
    );
  }
  if (runDates.length === 0) return 0;
  await engine.writeRows(
    KPI_ALERTS,
    { columns: ALERT_COLUMNS, rows },
    { kind: 'replace-partitions', partitions: [...runDates] },
  );
  return rows.length;
}
