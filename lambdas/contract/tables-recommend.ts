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

/** docs/contract.md, partner_roi_forecast: one ROI story per partner. */
export const PARTNER_ROI_FORECAST: TableDef = {
  name: 'partner_roi_forecast',
  layer: 'mart',
  description:
    "Each registry partner's ROI as matured (day 7 and day 30, as partner_performance's 30-day row) beside the ROI its cohorts of " +
    'the 30 days ending on R are projected to reach at the value horizon the recommender uses (their ltv_forecast values against ' +
    "the window's spend), with a 95% interval from the spread of the window's daily cohorts, and the day they pay back " +
    '(docs/contract.md, partner_roi_forecast). The digest judges ROI by the projection, so an alert and a recommendation about ' +
    'a partner read the same money at the same horizon.',
  grain: 'one row per run date and registry partner',
  key: ['run_date', 'partner_id'],
  columns: [
    col('partner_id', 'varchar', 'A registry partner.'),
    col('horizon_days', 'bigint', "The value horizon, days from signup: the recommender's valueHorizonDays."),
    col('window_start', 'date', 'The first cohort date of the window [R - 29, R].'),
    col('spend_usd', 'double', "Spend on the window's dates."),
    col('cohort_users', 'bigint', "Users of the window's cohorts."),
    col('value_to_date_usd', 'double', 'Their net revenue to date.'),
    col(
      'projected_value_usd',
      'double',
      'Their net revenue at the horizon from signup, as ltv_forecast projects it; null without a value model (too little history).',
    ),
    col('roi_d7', 'double', "partner_performance's roi_d7 of R, window 30: the matured cohorts at age 7."),
    col('roi_d30', 'double', "partner_performance's roi_d30 of R, window 30: the matured cohorts at age 30."),
    col(
      'projected_roi',
      'double',
      'projected_value_usd / spend_usd - 1; null without spend or a projection.',
    ),
    col(
      'projected_roi_low',
      'double',
      "The 95% interval's low end: the ratio estimator's standard error over the window's daily cohorts, never below -1; null below two cohort days.",
    ),
    col('projected_roi_high', 'double', "The 95% interval's high end."),
    col(
      'payback_day',
      'bigint',
      'The age at which value reaches spend, on the curve through the matured ROAS at 7 and 30 days (where not above the projection at 90) and the projected ROAS at 90, 180 and 365; null when not within 365 days.',
    ),
    col('payback_day_earliest', 'bigint', "The payback day at the interval's high end."),
    col(
      'payback_day_latest',
      'bigint',
      "The payback day at the interval's low end; null when not within 365 days.",
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/partner_roi_forecast',
  format: 'parquet',
  example: {
    question: 'Which partners look bad at day 30 but are on course to pay back?',
    sql: "select partner_id, roi_d30, projected_roi, projected_roi_low, projected_roi_high, payback_day from partner_roi_forecast where run_date = date '2026-11-21' and roi_d30 < 0 and projected_roi_low > 0 order by payback_day",
  },
};
