/**
 * The churn model's features (docs/contract.md, user_segments: p_active_30d): each a dimension of
 * levels that the SQL derives from a user_state row as of its date (the `churn levels` block of
 * queries/marts/user_segments.sql and queries/churn/churn_training_cells.sql). Levels rather than
 * numbers so that the training query hands the fit counts per combination of levels (sufficient
 * statistics, never a table of users), and so that the logit follows recency's curve, not a line.
 */

/** The dimensions in the order the SQL and the model store them, each with its levels. */
export const CHURN_DIMENSIONS = {
  /** Days since the last active day (as-of date - last_active_date). */
  recency: [
    '0',
    '1',
    '2',
    '3',
    '4-6',
    '7-9',
    '10-13',
    '14-20',
    '21-29',
    '30-44',
    '45-59',
    '60-89',
    '90-179',
    '180+',
  ],
  /** Days from the active day before the last to the last; `none` with a single active day. */
  gap: ['none', '1', '2-3', '4-7', '8-14', '15-30', '31+'],
  /** Days from the active day before that to the one before the last; `none` with fewer than three. */
  gap2: ['none', '1', '2-3', '4-7', '8-14', '15-30', '31+'],
  /** Days with a trade in the 30 days ending on the as-of date. */
  trade_days_30d: ['0', '1', '2-4', '5-9', '10+'],
  /** Days with a trade 31 to 90 days before the as-of date. */
  trade_days_31_90d: ['0', '1-2', '3-9', '10+'],
  /** Days since the first active day. */
  tenure: ['0-7', '8-30', '31-90', '91-180', '181+'],
  /** The value tier (net deposits to date). */
  value_tier: ['whale', 'high', 'mid', 'low', 'zero'],
  /**
   * Days since the last active day over the user's own mean gap between active days (of the last
   * two gaps, or the one): `0` when active on the date, `none` with a single active day. A
   * frequent visitor a week away is more likely gone than a weekly one.
   */
  overdue: ['none', '0', '0-0.5', '0.5-1', '1-2', '2-4', '4-8', '8-16', '16+'],
} as const satisfies Record<string, readonly string[]>;

/** A dimension of the churn model. */
export type ChurnDimension = keyof typeof CHURN_DIMENSIONS;

/** The dimensions, in order. */
export const CHURN_DIMENSION_NAMES = Object.keys(CHURN_DIMENSIONS) as ChurnDimension[];

/** The feature name of the intercept in `churn_model` (its level is ''). */
export const INTERCEPT = 'intercept';

/** One user's level of each dimension. */
export type ChurnLevels = Readonly<Record<ChurnDimension, string>>;

/** One coefficient of the model: the intercept (`level` '') or a level of a dimension. */
export interface ChurnCoefficient {
  readonly feature: string;
  readonly level: string;
  readonly coefficient: number;
}

/**
 * The columns of the design matrix: the intercept, then one indicator per level of each
 * dimension (every level, no reference level: the L2 penalty makes the fit unique).
 */
export function designColumns(): { feature: string; level: string }[] {
  return [
    { feature: INTERCEPT, level: '' },
    ...CHURN_DIMENSION_NAMES.flatMap((dimension) =>
      CHURN_DIMENSIONS[dimension].map((level) => ({ feature: dimension, level })),
    ),
  ];
}

/** A user's row of the design matrix: 1 for the intercept and for each of the user's levels. */
export function designRow(levels: ChurnLevels): number[] {
  return designColumns().map(({ feature, level }) =>
    feature === INTERCEPT ? 1 : levels[feature as ChurnDimension] === level ? 1 : 0,
  );
}

/** The logistic function 1 / (1 + e^-x). */
export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * A user's logit under the coefficients: the intercept plus the coefficient of each of their
 * levels, 0 for a level the model has none for (as the view scores it).
 */
export function churnLogit(coefficients: readonly ChurnCoefficient[], levels: ChurnLevels): number {
  const byKey = new Map(coefficients.map((c) => [`${c.feature}|${c.level}`, c.coefficient]));
  let logit = byKey.get(`${INTERCEPT}|`) ?? 0;
  for (const dimension of CHURN_DIMENSION_NAMES) logit += byKey.get(`${dimension}|${levels[dimension]}`) ?? 0;
  return logit;
}

/** p_active_30d of a user: the logistic of their logit. */
export function pActive30d(coefficients: readonly ChurnCoefficient[], levels: ChurnLevels): number {
  return logistic(churnLogit(coefficients, levels));
}

/** docs/contract.md, user_segments.churn_risk: `low` (p >= 0.7), `medium` (p >= 0.3), `high` (p < 0.3). */
export function churnRisk(pActive: number): 'low' | 'medium' | 'high' {
  if (pActive >= 0.7) return 'low';
  if (pActive >= 0.3) return 'medium';
  return 'high';
}
