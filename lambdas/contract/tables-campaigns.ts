/**
 * Campaign effectiveness (docs/contract.md, campaign_results): the per-user state the daily run
 * folds like user_state, and the results lambdas/experiments/ computes from its sufficient statistics.
 */
import { type ColumnDef, type ColumnType, col, dtPartition, type TableDef } from './table-def.ts';

/**
 * A measure over a user's two windows: `<name>_outcome` and `<name>_pre` (`_usd` last for money),
 * `what` completed with "in the outcome window" and "in the pre-window".
 */
function windowColumns(name: string, type: ColumnType, what: string): ColumnDef[] {
  const unit = type === 'decimal(38,9)' ? '_usd' : '';
  return [
    col(`${name}_outcome${unit}`, type, `${what} in the outcome window.`),
    col(`${name}_pre${unit}`, type, `${what} in the pre-window.`),
  ];
}

/**
 * Each exposed user's arm, dates and windowed activity per campaign, as of a date: what the run
 * folds each day from the day before, and what campaign_results' sufficient statistics read.
 */
export const CAMPAIGN_USER_STATE: TableDef = {
  name: 'campaign_user_state',
  layer: 'state',
  description:
    "Each user exposed to a campaign, as of a date: the arm and assigned_date of the user's first exposure, " +
    'the first date of an exposure in the other arm, and the activity the campaign metrics need over the ' +
    'outcome window [assigned_date, min(assigned_date + window_days - 1, as-of)] and the pre-window ' +
    '[assigned_date - pre_days, assigned_date - 1] (kyc and ftd come from user_state, net revenue from these ' +
    "fees and the registry's revshare_rate when the results are computed). Only campaigns in the registry, and " +
    'playbook campaigns, have rows. The run for R folds it from the state of the run before, the exposures ' +
    'dated after it, user_daily of the new days for the windows still open, and the pre-windows of the ' +
    'users first exposed since.',
  grain: 'one row per campaign and user whose first exposure is dated on or before the as-of date',
  key: ['campaign_id', 'user_id', 'dt'],
  sortedBy: ['campaign_id', 'user_id'],
  columns: [
    col('campaign_id', 'varchar', 'The campaign.'),
    col('user_id', 'varchar', 'The user.'),
    col('arm', 'varchar', "treatment or control: the arm of the user's first exposure."),
    col(
      'assigned_date',
      'date',
      'The UTC date of the first exposure (earliest assigned_at; on a tie the row ingested first).',
    ),
    col(
      'switched_date',
      'date',
      'The earliest date of an exposure of the user in the other arm, up to the as-of date; null when none.',
    ),
    col('window_days', 'bigint', "The campaign's outcome window, days."),
    col('pre_days', 'bigint', "The campaign's pre-window, days (0: none)."),
    ...windowColumns('active_days', 'bigint', 'Days with any event'),
    ...windowColumns('has_traded', 'boolean', 'A trade dated'),
    ...windowColumns('deposits', 'decimal(38,9)', 'Deposits, USD, dated'),
    ...windowColumns('fees', 'decimal(38,9)', 'Trading fees, USD, gross of revenue share, dated'),
  ],
  partition: dtPartition('The as-of date.'),
  location: 'state/campaign_user_state',
  format: 'parquet',
  example: {
    question: 'Which users of a campaign were exposed in both arms, and when did they switch?',
    sql: "select user_id, arm, assigned_date, switched_date from campaign_user_state where dt = date '2026-11-21' and campaign_id = 'spring-kyc' and switched_date is not null order by switched_date",
  },
};

/** docs/contract.md, campaign_results. */
export const CAMPAIGN_RESULTS: TableDef = {
  name: 'campaign_results',
  layer: 'mart',
  description:
    'Did each campaign work, on each metric, as of R (docs/contract.md, campaign_results): arm sizes and means, ' +
    'the CUPED-adjusted uplift with its fixed 95% interval and its always-valid confidence sequence, the ' +
    'sample-ratio check, what the uplift is worth, and a verdict. Every registry campaign (and playbook campaign) ' +
    'with an exposure dated on or before R has six rows.',
  grain: 'one row per run date, campaign and metric',
  key: ['run_date', 'campaign_id', 'metric'],
  sortedBy: ['campaign_id', 'metric'],
  columns: [
    col('campaign_id', 'varchar', 'The campaign.'),
    col('metric', 'varchar', 'kyc, ftd, traded, active_days, net_revenue_usd or deposits_usd.'),
    col('n_treatment', 'bigint', 'Users whose first exposure is in the treatment arm.'),
    col('n_control', 'bigint', 'Users whose first exposure is in the control arm.'),
    col('n_switched', 'bigint', 'Users exposed in both arms (counted in the arm of their first exposure).'),
    col('mean_treatment', 'double', 'Mean of the metric over treatment users, unadjusted; null without any.'),
    col('mean_control', 'double', 'Mean of the metric over control users, unadjusted; null without any.'),
    col(
      'cuped_theta',
      'double',
      'θ = cov(Y, X) / var(X) over both arms pooled, X the pre-window value; 0 when pre_days = 0 or var(X) = 0.',
    ),
    col(
      'uplift_abs',
      'double',
      "Difference of the arms' means of Y - θ (X - mean X); null without both arms.",
    ),
    col('uplift_rel', 'double', 'uplift_abs / mean_control; null when mean_control is 0 or null.'),
    col('ci_low', 'double', 'Fixed 95% interval, low end; null when an arm has fewer than 2 users.'),
    col('ci_high', 'double', 'Fixed 95% interval, high end.'),
    col(
      'p_value',
      'double',
      'Two-sided normal p-value of uplift_abs; null when its standard error is null or 0.',
    ),
    col('cs_low', 'double', '95% always-valid confidence sequence, low end: safe to read every day.'),
    col('cs_high', 'double', '95% always-valid confidence sequence, high end.'),
    col('srm_p_value', 'double', "Chi-square (1 df) p-value of the arms' sizes against (1 - h, h)."),
    col(
      'srm_flag',
      'boolean',
      'srm_p_value < 0.001: the split is not the designed one, so the uplift is not to be trusted.',
    ),
    col('incremental_total', 'double', 'uplift_abs * n_treatment: what the campaign added in all.'),
    col('cost_usd', 'double', 'cost_per_treated_usd * n_treatment.'),
    col(
      'roi',
      'double',
      '(incremental_total - cost_usd) / cost_usd on net_revenue_usd; null on other metrics or at cost 0.',
    ),
    col('is_primary', 'boolean', "The metric is the campaign's primary_metric."),
    col('verdict', 'varchar', 'srm, win (cs_low > 0), loss (cs_high < 0) or inconclusive.'),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/campaign_results',
  format: 'parquet',
  example: {
    question: 'Which campaigns worked on their primary metric as of R, and what did the winners earn?',
    sql:
      'select campaign_id, metric, n_treatment, n_control, uplift_abs, cs_low, cs_high, verdict, incremental_total, cost_usd ' +
      "from campaign_results where run_date = date '2026-11-21' and is_primary order by verdict, campaign_id",
  },
};
