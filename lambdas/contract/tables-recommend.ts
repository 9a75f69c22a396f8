/**
 * The recommend step's tables: lambdas/recommend/ writes them from TypeScript (from what the
 * queries of `queries/recommend/` read), so no SQL file builds them.
 */
import { col, type TableDef } from './table-def.ts';

/**
 * The horizons, in days from signup, at which user value is projected: the `forecast_ltv_<days>_usd`
 * columns of `ltv_forecast`, and the values the allocator's `valueHorizonDays` may take.
 */
export const LTV_HORIZONS_DAYS = [90, 180, 365] as const;
/** One of {@link LTV_HORIZONS_DAYS}. */
export type LtvHorizonDays = (typeof LTV_HORIZONS_DAYS)[number];

/** Projected value of each cohort, so young cohorts can be judged before they mature. */
export const LTV_FORECAST: TableDef = {
  name: 'ltv_forecast',
  layer: 'mart',
  description:
    'Net revenue per user of each cohort to date and at 90, 180 and 365 days from signup, as of the latest run: ' +
    'observed once the cohort is that old, projected before. The projection is the windowed persistence model ' +
    "(lambdas/recommend/persistence.ts): each user's trading of the last 60 days carried forward 30 days at a time " +
    'at the persistence, drop-out and reactivation measured for users of the same age over the last 120 days. ' +
    'A cohort 180 days old or older first keeps its run rate of the last 90 days for 90 days, and the chain carries ' +
    'on from there. It forecast the generated holdout better than BG/NBD + Gamma-Gamma, and the revenue to come of ' +
    'a real transaction log (CDNOW) within 10% (docs/benchmarks.md).',
  grain: 'one row per cohort date and partner',
  key: ['cohort_date', 'partner_id'],
  columns: [
    col('cohort_date', 'date', 'Signup date.'),
    col('partner_id', 'varchar', 'The attribution.'),
    col('cohort_users', 'bigint', 'Users in the cohort.'),
    col('ltv_to_date_usd', 'double', 'Net revenue per user so far.'),
    col(
      'forecast_ltv_90_usd',
      'double',
      'Net revenue per user at 90 days from signup: observed or projected.',
    ),
    col(
      'forecast_ltv_180_usd',
      'double',
      'Net revenue per user at 180 days from signup: observed or projected.',
    ),
    col(
      'forecast_ltv_365_usd',
      'double',
      'Net revenue per user at 365 days from signup: observed or projected.',
    ),
    col('run_date', 'date', 'R.'),
  ],
  location: 'marts/ltv_forecast',
  format: 'parquet',
  example: {
    question: 'Which partners bring the most valuable users, judged before their cohorts mature?',
    sql: 'select partner_id, sum(forecast_ltv_180_usd * cohort_users) / sum(cohort_users) as ltv_180_usd from ltv_forecast group by partner_id order by ltv_180_usd desc',
  },
};

/** docs/contract.md, budget_recommendations. */
export const BUDGET_RECOMMENDATIONS: TableDef = {
  name: 'budget_recommendations',
  layer: 'mart',
  description:
    "Tomorrow's daily budget per registry partner, with the expected marginal return and a reason (docs/contract.md, budget_recommendations).",
  grain: 'one row per run date and registry partner',
  key: ['run_date', 'partner_id'],
  columns: [
    col('partner_id', 'varchar', 'A registry partner.'),
    col('channel', 'varchar', 'The registry channel.'),
    col('current_daily_spend_usd', 'double', 'Mean daily spend over the last 7 days.'),
    col('recommended_daily_spend_usd', 'double', 'The recommendation; 0 for paused partners.'),
    col('change_pct', 'double', 'recommended / current - 1, as a fraction; null when current is 0.'),
    col(
      'expected_marginal_roas',
      'double',
      'Value of the next dollar at the recommended spend, over the value horizon.',
    ),
    col('confidence', 'varchar', 'high, medium, low or insufficient_data.'),
    col('reason', 'varchar', 'One sentence a manager can act on.'),
    col(
      'binding_constraint',
      'varchar',
      'What stopped the optimizer going further: none, max_change, registry_min, registry_max, paused, insufficient_data, extrapolation_limit, quality_hold (traffic-quality flags allow no increase).',
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/budget_recommendations',
  format: 'parquet',
  example: {
    question: 'What should change tomorrow, biggest moves first?',
    sql: "select partner_id, current_daily_spend_usd, recommended_daily_spend_usd, change_pct, reason from budget_recommendations where run_date = date '2026-11-21' order by abs(coalesce(change_pct, 0)) desc",
  },
};
