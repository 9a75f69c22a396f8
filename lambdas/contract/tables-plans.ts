/**
 * Plans: the targets snapshot (`growthlake ingest targets`) and `plan_pacing`, each target's
 * actual to date against its pro-rata expectation and a forecast to the end of its period
 * (docs/contract.md, Targets and plan_pacing).
 */
import { col, type TableDef } from './table-def.ts';
import { stagingTable } from './tables-staging.ts';

/** The targets snapshot: the file ingested last replaces the previous one. */
export const TARGETS: TableDef = {
  name: 'targets',
  layer: 'curated',
  description:
    'The targets (docs/contract.md, Targets): one per period, scope and metric; the snapshot ingested last replaces ' +
    'the previous one, and plan_pacing is built with the current one.',
  grain: 'one row per period, scope and metric',
  key: ['period', 'scope', 'metric'],
  columns: [
    col('period', 'varchar', 'YYYY-MM (a month) or YYYY-Qn (a quarter), as ingested.'),
    col('scope', 'varchar', 'all, channel:<channel> or partner:<partner_id>, as ingested.'),
    col('metric', 'varchar', 'signups, ftds, spend_usd, net_revenue_usd or gmv_usd.'),
    col('target', 'double', 'The target for the whole period, above 0 (USD for the money metrics).'),
    col('period_start', 'date', 'The first day of the period.'),
    col('period_end', 'date', 'The last day of the period.'),
    col('scope_type', 'varchar', 'all, channel or partner.'),
    col('scope_id', 'varchar', 'The channel or the partner id; null for all.'),
  ],
  location: 'curated/targets',
  format: 'parquet',
  example: {
    question: 'What are the targets of the fourth quarter of 2026?',
    sql: "select scope, metric, target from targets where period = '2026-Q4' order by scope, metric",
  },
};

/** A validated targets snapshot of one ingest. */
export const STAGED_TARGETS = stagingTable(
  'staged_targets',
  'A validated targets snapshot.',
  TARGETS.columns.map((column) => column.name),
);

/** docs/contract.md, plan_pacing. */
export const PLAN_PACING: TableDef = {
  name: 'plan_pacing',
  layer: 'mart',
  description:
    'Each target whose period contains R: the metric to date in its scope against the pro-rata target, the last 7 ' +
    "days' run rate and the forecast to the period's end (docs/contract.md, plan_pacing).",
  grain: 'one row per run date, period, scope and metric',
  key: ['run_date', 'period', 'scope', 'metric'],
  columns: [
    col('period', 'varchar', 'The target period: YYYY-MM or YYYY-Qn.'),
    col(
      'scope',
      'varchar',
      'all, channel:<channel> (its registry partners, paused included) or partner:<partner_id>.',
    ),
    col('metric', 'varchar', 'signups, ftds, spend_usd, net_revenue_usd or gmv_usd.'),
    col('target', 'double', 'As ingested.'),
    col(
      'actual_to_date',
      'double',
      'The metric over [period start, R] in the scope: sign-ups by cohort_date, FTDs by ftd_date, spend by date, ' +
        'net revenue and GMV by trade date.',
    ),
    col('days_elapsed', 'bigint', 'R - period start + 1.'),
    col('days_in_period', 'bigint', "The period's length in days."),
    col('expected_to_date', 'double', 'target * days_elapsed / days_in_period.'),
    col(
      'run_rate_7d',
      'double',
      'The metric over [R - 6, R] (even when it starts before the period), divided by 7.',
    ),
    col('forecast_end', 'double', 'actual_to_date + run_rate_7d * (days_in_period - days_elapsed).'),
    col('forecast_attainment', 'double', 'forecast_end / target.'),
    col(
      'status',
      'varchar',
      'on_track (attainment >= 1.0), at_risk (>= 0.9) or off_track (< 0.9); for spend_usd on_track within ' +
        '[0.9, 1.1], over above, under below.',
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/plan_pacing',
  format: 'parquet',
  example: {
    question: 'Which targets were off track on the last run?',
    sql: "select period, scope, metric, target, forecast_end, forecast_attainment from plan_pacing where run_date = date '2026-11-21' and status in ('off_track', 'under', 'over') order by forecast_attainment",
  },
};
