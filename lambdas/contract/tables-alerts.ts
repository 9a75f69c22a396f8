/**
 * Alerts: `kpi_alerts`, the day R of each scope and metric against what it was expected to show
 * (docs/contract.md, kpi_alerts).
 */
import { col, type TableDef } from './table-def.ts';

/** docs/contract.md, kpi_alerts. */
export const KPI_ALERTS: TableDef = {
  name: 'kpi_alerts',
  layer: 'mart',
  description:
    "Every alert raised for R: a scope's day R far from its weekly baseline in volume, in relative terms and " +
    'against its day-to-day noise at once, and partners with spend but no sign-ups (docs/contract.md, kpi_alerts).',
  grain: 'one row per run date, scope, scope id and metric with an alert',
  key: ['run_date', 'scope', 'scope_id', 'metric'],
  columns: [
    col('scope', 'varchar', 'all, channel (its registry partners, paused included) or partner.'),
    col(
      'scope_id',
      'varchar',
      'all, the channel, or the partner id (organic, unattributed and ids outside the registry included).',
    ),
    col('metric', 'varchar', 'spend_usd, signups, ftds, cac_usd, net_revenue_usd or tracking.'),
    col(
      'value',
      'double',
      "Day R's figure: sign-ups with cohort_date R, FTDs with ftd_date R, spend dated R, net revenue of trades " +
        'dated R, CAC = spend / FTDs of R; 0 for tracking (the sign-ups of R).',
    ),
    col(
      'expected',
      'double',
      'What R was expected to show: the mean of the level times the weekday factor and the same-weekday median.',
    ),
    col('lower', 'double', 'The low end of the expected range (at least 0).'),
    col('upper', 'double', 'The high end of the expected range.'),
    col('direction', 'varchar', 'up or down (tracking: down).'),
    col(
      'severity',
      'varchar',
      'warn, or critical beyond twice the range half-width (tracking: always critical).',
    ),
    col('reason', 'varchar', 'One sentence: the value against the expected value and range.'),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/kpi_alerts',
  format: 'parquet',
  example: {
    question: 'Which critical alerts did the last run raise?',
    sql: "select scope, scope_id, metric, value, expected, lower, upper, reason from kpi_alerts where run_date = date '2026-11-21' and severity = 'critical' order by scope, scope_id, metric",
  },
};
