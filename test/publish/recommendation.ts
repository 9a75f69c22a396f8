/** A budget_recommendations row of the publish model for unit tests: kol-003 raised 30%, $706 at the margin. */
import type { Recommendation } from '../../lambdas/publish/model.ts';

export const recommendation = (values: Partial<Recommendation>): Recommendation => ({
  partnerId: 'kol-003',
  currentDailySpendUsd: 100,
  recommendedDailySpendUsd: 130,
  changePct: 0.3,
  expectedMarginalRoas: 7.06,
  confidence: 'high',
  reason: 'Raise kol-003 by 30% to $130/day.',
  bindingConstraint: 'max_change',
  ...values,
});
