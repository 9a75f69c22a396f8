import type { PartnerProfile } from './partners.ts';

/** A saturating Hill response of daily signups to daily spend. */
export interface HillCurve {
  /** Expected signups per day as spend grows without bound. */
  readonly maxSignups: number;
  /** Spend, USD per day, at which half of `maxSignups` is reached. */
  readonly halfSaturationUsd: number;
  /** Steepness; above 1 the curve is S-shaped. */
  readonly exponent: number;
}

/** Expected signups for a day's spend: `max * s^k / (s^k + h^k)`. */
export function expectedSignups(spendUsd: number, curve: HillCurve): number {
  if (spendUsd <= 0) return 0;
  const ratio = (curve.halfSaturationUsd / spendUsd) ** curve.exponent;
  return curve.maxSignups / (1 + ratio);
}

/**
 * Fixes each partner's curve so that, over the spend actually planned, partners bring
 * `paidSignupsTarget` signups in expectation, keeping their relative efficiency: a partner
 * at its base spend brings about `signupsAtBaseSpend` before scaling.
 *
 * @param dailySpendUsd - per partner, the spend of each day in USD
 */
export function calibrateCurves(
  partners: readonly PartnerProfile[],
  dailySpendUsd: readonly Float64Array[],
  paidSignupsTarget: number,
): HillCurve[] {
  const unscaled = partners.map((partner) => {
    const shape = {
      maxSignups: 1,
      halfSaturationUsd: partner.halfSaturationUsd,
      exponent: partner.hillExponent,
    };
    return {
      ...shape,
      maxSignups: partner.signupsAtBaseSpend / expectedSignups(partner.baseDailySpendUsd, shape),
    };
  });
  let expectedTotal = 0;
  unscaled.forEach((curve, index) => {
    for (const spend of dailySpendUsd[index] ?? []) expectedTotal += expectedSignups(spend, curve);
  });
  const scale = expectedTotal > 0 ? paidSignupsTarget / expectedTotal : 0;
  return unscaled.map((curve) => ({ ...curve, maxSignups: Number((curve.maxSignups * scale).toFixed(4)) }));
}
