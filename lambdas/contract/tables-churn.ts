/**
 * The churn model's table: lambdas/churn/ writes it from TypeScript (from the counts
 * `queries/churn/` reads); the user_segments view scores every user with it.
 */
import { col, type TableDef } from './table-def.ts';

/** The days ahead p_active_30d forecasts, and so how far before R the model's cut-off is. */
export const CHURN_HORIZON_DAYS = 30;

/** docs/contract.md, user_segments: the coefficients behind p_active_30d, one set per run date. */
export const CHURN_MODEL: TableDef = {
  name: 'churn_model',
  layer: 'mart',
  description:
    "The churn model of each run date R (docs/contract.md, user_segments): a logistic regression of 'any event in the " +
    "next 30 days' on each user's levels of eight dimensions (recency, the two gaps between the last active days, " +
    'trading days in the last 30 and in the 60 before, tenure, value tier, and recency over their own mean gap), fitted with an L2 penalty on the users ' +
    'known at the cut-off C = R - 30 and their activity in (C, R]; or, when there is no state as of C yet, the prior ' +
    'fitted on generated data (source prior). The user_segments view turns it into p_active_30d and churn_risk.',
  grain: 'one row per run date and coefficient (the intercept, then one per level of each dimension)',
  key: ['run_date', 'feature', 'level'],
  columns: [
    col(
      'feature',
      'varchar',
      "'intercept', or the dimension: recency, gap, gap2, trade_days_30d, trade_days_31_90d, tenure, value_tier, overdue.",
    ),
    col('level', 'varchar', "The dimension's level (e.g. recency '7-9'); '' for the intercept."),
    col('coefficient', 'double', 'Its term of the logit of p_active_30d.'),
    col(
      'source',
      'varchar',
      "'fit' (fitted for R) or 'prior' (no state as of the cut-off, or too few users).",
    ),
    col('cutoff_date', 'date', 'C = R - 30: the levels are as of C, the outcome is activity in (C, R].'),
    col('training_users', 'bigint', 'Users fitted on (every user known at C); 0 for the prior.'),
    col('training_active_rate', 'double', 'Of those, the share active in (C, R]; null for the prior.'),
    col(
      'training_auc',
      'double',
      'ROC AUC of the fitted model on its own users (in sample); null for the prior.',
    ),
    col(
      'holdout_auc',
      'double',
      'ROC AUC on the same users and outcomes of the model of run date C (fitted on data up to C only: an ' +
        'out-of-time holdout); null when C has no model.',
    ),
    col(
      'holdout_recency_auc',
      'double',
      'ROC AUC of the naive baseline on the same holdout: fewer days since the last active day (by the recency level, ties counting half) means more likely active.',
    ),
  ],
  partition: col('run_date', 'date', 'R.'),
  location: 'marts/churn_model',
  format: 'parquet',
  example: {
    question: 'How did the churn model validate on the last runs?',
    sql: "select run_date, source, training_users, training_auc, holdout_auc, holdout_recency_auc from churn_model where feature = 'intercept' order by run_date desc limit 7",
  },
};
