/**
 * What an allocation means, as data: for each partner the constraint it is bound by, how far its
 * recommendation can be trusted and the marginal returns around it; for bounds that cannot meet the
 * total, which constraints stop them. reason.ts turns this into a sentence for a manager.
 */
import {
  type BindingConstraint,
  BOUND_TOLERANCE,
  type BudgetFeasibility,
  type ConfidenceLevel,
  type FlexibleSlot,
  type LowerSource,
  type PartnerAllocation,
  type PartnerBudget,
  type Slot,
} from './allocation-types.ts';
import type { Interval } from './response-curve.ts';

/**
 * Why the bounds cannot meet the total: which side fails, the per-partner constraints behind it (most
 * frequent first) and a sentence saying so. `short` is true when the maximums fall short of the total;
 * `reachable` is the total the bounds come closest to.
 */
export function describeInfeasibility(
  slots: readonly Slot[],
  flexible: readonly FlexibleSlot[],
  short: boolean,
  total: number,
  reachable: number,
): BudgetFeasibility {
  const counts = new Map<BindingConstraint, number>();
  const count = (constraint: LowerSource) => {
    if (constraint !== 'zero') counts.set(constraint, (counts.get(constraint) ?? 0) + 1);
  };
  for (const slot of slots) if (slot.kind === 'pinned' && slot.spendUsd > 0) count(slot.reason);
  for (const slot of flexible) {
    if (short) count(slot.hiSource);
    else if (slot.lo > 0) count(slot.loSource);
  }
  const constraints = [...counts.entries()].sort((x, y) => y[1] - x[1]).map(([constraint]) => constraint);
  const message = short
    ? `The partners can take at most $${reachable.toFixed(2)}/day within their bounds, below the $${total.toFixed(2)}/day total; each is set to its maximum.`
    : `The partners need at least $${reachable.toFixed(2)}/day within their bounds, above the $${total.toFixed(2)}/day total; each is set to its minimum.`;
  return {
    feasible: false,
    binding: short ? 'maximums_below_total' : 'minimums_exceed_total',
    constraints,
    message,
  };
}

/** R² and relative interval width a curve needs for `high` confidence. */
export const HIGH_CONFIDENCE = { minRSquared: 0.7, maxRelativeIntervalWidth: 0.5 } as const;

/** R² and relative interval width a curve needs for `medium` confidence; below either it is `low`. */
export const MEDIUM_CONFIDENCE = { minRSquared: 0.4, maxRelativeIntervalWidth: 1 } as const;

/**
 * The recommendation of one partner at `spendUsd`: its change, marginal returns, expected value, the
 * constraint it is bound by and its confidence. `lambda` is the marginal ROAS of the budget, null
 * when there is none; `feasible` says whether the bounds met the total (no λ binds otherwise).
 */
export function describeAllocation(
  partner: PartnerBudget,
  slot: Slot,
  spendUsd: number,
  lambda: number | null,
  feasible: boolean,
): PartnerAllocation {
  const current = partner.currentSpendUsd;
  const base = {
    partnerId: partner.partnerId,
    status: partner.status,
    currentSpendUsd: current,
    recommendedSpendUsd: spendUsd,
    changePct: current > 0 ? (spendUsd - current) / current : spendUsd === 0 ? 0 : null,
    spendDataDays: partner.spendDataDays,
    qualityFlags: partner.qualityFlags,
  };
  if (slot.kind === 'pinned') {
    return {
      ...base,
      expectedMarginalRoas: null,
      currentMarginalRoas: null,
      marginalRoasInterval: null,
      expectedValueUsd: null,
      boundBy: slot.reason,
      confidence: slot.reason === 'paused' ? 'high' : 'insufficient_data',
    };
  }
  const curve = slot.response.curve;
  const marginal = curve.marginal(spendUsd);
  const interval = slot.response.marginalRoasInterval?.(spendUsd) ?? null;
  return {
    ...base,
    expectedMarginalRoas: marginal,
    currentMarginalRoas: curve.marginal(current),
    marginalRoasInterval: interval,
    expectedValueUsd: curve.value(spendUsd),
    boundBy: bindingOf(slot, spendUsd, marginal, feasible ? lambda : null),
    confidence: confidenceOf(slot.response.rSquared, marginal, interval),
  };
}

/**
 * The bound a partner sits on, when it sits on one. With a box collapsed to a point, the side that
 * binds is the one the partner would have moved past: up when its marginal return beats λ.
 */
function bindingOf(
  slot: FlexibleSlot,
  spendUsd: number,
  marginal: number,
  lambda: number | null,
): BindingConstraint {
  const tolerance = BOUND_TOLERANCE * Math.max(1, slot.hi);
  const atHigh = spendUsd >= slot.hi - tolerance;
  const atLow = spendUsd <= slot.lo + tolerance;
  const lowLabel: BindingConstraint = slot.loSource === 'zero' ? 'none' : slot.loSource;
  if (atHigh && atLow) return lambda === null || marginal >= lambda ? slot.hiSource : lowLabel;
  if (atHigh) return slot.hiSource;
  if (atLow) return lowLabel;
  return 'none';
}

function confidenceOf(rSquared: number, marginal: number, interval: Interval | null): ConfidenceLevel {
  const width = interval === null ? 0 : (interval.high - interval.low) / Math.abs(marginal);
  if (rSquared >= HIGH_CONFIDENCE.minRSquared && width <= HIGH_CONFIDENCE.maxRelativeIntervalWidth)
    return 'high';
  if (rSquared >= MEDIUM_CONFIDENCE.minRSquared && width <= MEDIUM_CONFIDENCE.maxRelativeIntervalWidth)
    return 'medium';
  return 'low';
}
