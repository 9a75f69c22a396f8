import type { PartnerBudgetInput, PartnerResponse } from '../../lambdas/recommend/allocation-types.ts';
import type { HillParameters, ResponseCurveFit, SpendRange } from '../../lambdas/recommend/response-curve.ts';

/** Trusted everywhere, for curves whose optimum should not be clipped by the data range. */
export const UNLIMITED: SpendRange = { minUsd: 0, maxUsd: Number.POSITIVE_INFINITY };

/** value = a · √spend, whose budget-constrained optimum puts spend in proportion to a². */
export function sqrtResponse(a: number, trusted: SpendRange = UNLIMITED): PartnerResponse {
  return {
    curve: {
      value: (s) => a * Math.sqrt(s),
      marginal: (s) => a / (2 * Math.sqrt(s)),
      inflectionSpendUsd: 0,
    },
    trustedSpendRange: trusted,
    rSquared: 0.9,
  };
}

/** A fitted Hill curve without bootstrap resamples. */
export function hillFit(
  parameters: HillParameters,
  trusted: SpendRange = UNLIMITED,
  rSquared = 0.9,
): ResponseCurveFit {
  return {
    parameters,
    observedSpendRange: trusted,
    trustedSpendRange: trusted,
    rSquared,
    points: 60,
    bootstrapParameters: [],
  };
}

/** An active partner with 60 days of data. */
export function partner(
  partnerId: string,
  currentSpendUsd: number,
  response: PartnerResponse | null,
  overrides: Partial<PartnerBudgetInput> = {},
): PartnerBudgetInput {
  return { partnerId, status: 'active', currentSpendUsd, spendDataDays: 60, response, ...overrides };
}
