/**
 * The allocator: tomorrow's daily budget across partners, by equalising marginal returns within
 * each partner's bounds (allocateBudget), and the adapter that hands it a fitted response curve.
 */
import { z } from 'zod';
import {
  type AllocationConfig,
  type AllocationConfigInput,
  AllocationConfigSchema,
} from '../contract/recommend-config.ts';
import { describeAllocation, describeInfeasibility } from './allocation-explanation.ts';
import {
  type AllocationResult,
  type BindingConstraint,
  BOUND_TOLERANCE,
  type BudgetFeasibility,
  type Envelope,
  type FlexibleSlot,
  type LowerSource,
  type PartnerBudget,
  type PartnerBudgetInput,
  PartnerBudgetInputSchema,
  type PartnerResponse,
  type Slot,
  type SpendResponse,
} from './allocation-types.ts';
import { parseInput } from './parse-input.ts';
import {
  hillInflectionSpend,
  hillMarginalValue,
  hillValue,
  marginalRoasInterval,
  type ResponseCurveFit,
} from './response-curve.ts';

/** Wraps a fitted Hill curve for the allocator, with its 90% bootstrap interval of marginal ROAS. */
export function partnerResponseFromFit(fit: ResponseCurveFit): PartnerResponse {
  const parameters = fit.parameters;
  return {
    curve: {
      value: (spendUsd) => hillValue(parameters, spendUsd),
      marginal: (spendUsd) => hillMarginalValue(parameters, spendUsd),
      inflectionSpendUsd: hillInflectionSpend(parameters),
    },
    trustedSpendRange: fit.trustedSpendRange,
    rSquared: fit.rSquared,
    marginalRoasInterval: (spendUsd) => marginalRoasInterval(fit, spendUsd, 0.9),
  };
}

/** How far, in USD per day, the bounds may miss the total before the allocation counts as infeasible. */
const BUDGET_TOLERANCE_USD = 1e-7;

/**
 * Allocates the next period's daily budget across partners to maximise total expected value.
 *
 * Paused partners get 0 and partners with too little data (or no curve) stay at their current spend,
 * clamped into their registry bounds. Every other partner may move within the intersection of, in
 * order of precedence, its registry [min, max], no increase when it has traffic-quality flags, the
 * maximum change per run (up to the starting budget from 0) and the spend its curve is trusted over,
 * widened to include the current spend; a later constraint that cannot be met together with the
 * earlier ones gives way to them. Money a flagged partner is not given goes to the others, so the
 * total is still met.
 *
 * The optimum equalises marginal returns: a bisection on the Lagrange multiplier λ finds the λ at
 * which each partner's demand — the spend where its marginal return falls to λ, clamped to its bounds —
 * sums to the budget. S-shaped Hill curves (k > 1) are not concave, so demand is taken on each curve's
 * concave envelope over its bounds; the one partner a solution may leave on a straight part of an
 * envelope is then tried at both feasible ends of that part, the status quo is kept as a candidate,
 * and the best candidate by true value is polished by pairwise transfers on the true curves. The total
 * is met to within 1e-7 USD; when the bounds cannot meet it, every partner is set to the bound nearest
 * the total and the result says which constraint binds.
 *
 * @throws RecommendInputError when a partner or the configuration is malformed
 */
export function allocateBudget(
  partners: readonly PartnerBudgetInput[],
  config: AllocationConfigInput = {},
): AllocationResult {
  const settings = parseInput(AllocationConfigSchema, config, 'allocation config');
  const parsed = parseInput(z.array(PartnerBudgetInputSchema), partners, 'partner budget inputs');
  const total = settings.totalBudgetUsd ?? parsed.reduce((sum, p) => sum + p.currentSpendUsd, 0);
  const slots = parsed.map((partner) => boundsOf(partner, settings));

  const flexible = slots.filter((slot): slot is FlexibleSlot => slot.kind === 'flexible');
  const pinnedSum = slots.reduce((sum, slot) => sum + (slot.kind === 'flexible' ? 0 : slot.spendUsd), 0);
  const budget = total - pinnedSum;
  const minimum = flexible.reduce((sum, slot) => sum + slot.lo, 0);
  const maximum = flexible.reduce((sum, slot) => sum + slot.hi, 0);

  let spends: number[];
  let lambda: number | null = null;
  let feasibility: BudgetFeasibility = { feasible: true };
  if (budget < minimum - BUDGET_TOLERANCE_USD || budget > maximum + BUDGET_TOLERANCE_USD) {
    const short = budget > maximum;
    spends = flexible.map((slot) => (short ? slot.hi : slot.lo));
    feasibility = describeInfeasibility(
      slots,
      flexible,
      short,
      total,
      pinnedSum + (short ? maximum : minimum),
    );
  } else {
    const best = bestAllocation(flexible, Math.min(Math.max(budget, minimum), maximum));
    spends = best.spends;
    lambda = flexible.length > 0 ? best.lambda : null;
  }

  const spendOf = new Map(flexible.map((slot, i) => [slot, spends[i] as number]));
  const allocations = slots.map((slot, i) =>
    describeAllocation(
      parsed[i] as PartnerBudget,
      slot,
      slot.kind === 'flexible' ? (spendOf.get(slot) as number) : slot.spendUsd,
      lambda,
      feasibility.feasible,
    ),
  );
  return {
    partners: allocations,
    totalBudgetUsd: total,
    allocatedUsd: allocations.reduce((sum, a) => sum + a.recommendedSpendUsd, 0),
    feasibility,
    marginalRoasOfBudget: lambda,
    config: settings,
  };
}

function boundsOf(partner: PartnerBudget, config: AllocationConfig): Slot {
  if (partner.status === 'paused') return { kind: 'pinned', spendUsd: 0, reason: 'paused' };
  const current = partner.currentSpendUsd;
  const registryMin = partner.minDailyBudgetUsd ?? 0;
  const registryMax = partner.maxDailyBudgetUsd ?? Number.POSITIVE_INFINITY;
  if (partner.response === null || partner.spendDataDays < config.minDataDays) {
    if (current < registryMin) return { kind: 'pinned', spendUsd: registryMin, reason: 'registry_min' };
    if (current > registryMax) return { kind: 'pinned', spendUsd: registryMax, reason: 'registry_max' };
    return { kind: 'pinned', spendUsd: current, reason: 'insufficient_data' };
  }
  let box: Box = {
    lo: registryMin,
    hi: registryMax,
    loSource: partner.minDailyBudgetUsd === null ? 'zero' : 'registry_min',
    hiSource: 'registry_max',
  };
  // A flagged partner may not grow; when its registry minimum lies above its current spend, the
  // hold gives way to the registry and the partner sits exactly at the minimum.
  if (partner.qualityFlags.length > 0) box = intersect(box, 0, current, 'quality_hold');
  const changeHi = current > 0 ? current * (1 + config.maxChangePct) : config.startingBudgetUsd;
  box = intersect(box, Math.max(0, current * (1 - config.maxChangePct)), changeHi, 'max_change');
  const trusted = partner.response.trustedSpendRange;
  box = intersect(
    box,
    Math.min(trusted.minUsd, current),
    Math.max(trusted.maxUsd, current),
    'extrapolation_limit',
  );
  return {
    kind: 'flexible',
    currentUsd: current,
    ...box,
    response: partner.response,
    envelope: concaveEnvelope(partner.response.curve, box.lo, box.hi),
  };
}

interface Box {
  readonly lo: number;
  readonly hi: number;
  readonly loSource: LowerSource;
  readonly hiSource: BindingConstraint;
}

/**
 * Narrows `box` to [lo, hi]; when they do not overlap, the constraint gives way to the earlier ones and
 * the box collapses to its end nearest the constraint, bound on both sides by that end's constraint.
 */
function intersect(box: Box, lo: number, hi: number, source: BindingConstraint): Box {
  if (hi < box.lo) return { ...box, hi: box.lo, hiSource: box.loSource === 'zero' ? source : box.loSource };
  if (lo > box.hi) return { ...box, lo: box.hi, loSource: box.hiSource };
  return {
    lo: Math.max(lo, box.lo),
    loSource: lo > box.lo ? source : box.loSource,
    hi: Math.min(hi, box.hi),
    hiSource: hi < box.hi ? source : box.hiSource,
  };
}
function concaveEnvelope(curve: SpendResponse, lo: number, hi: number): Envelope {
  if (curve.inflectionSpendUsd <= lo || hi <= lo) return { tangentUsd: lo, lineSlope: curve.marginal(lo) };
  const base = curve.value(lo);
  const gap = (t: number) => curve.marginal(t) * (t - lo) - (curve.value(t) - base);
  if (gap(hi) >= 0) return { tangentUsd: hi, lineSlope: (curve.value(hi) - base) / (hi - lo) };
  let left = Math.min(curve.inflectionSpendUsd, hi);
  let right = hi;
  for (let i = 0; i < 200 && right - left > 1e-12 * Math.max(1, right); i++) {
    const mid = (left + right) / 2;
    if (gap(mid) >= 0) left = mid;
    else right = mid;
  }
  return { tangentUsd: right, lineSlope: (curve.value(right) - base) / (right - lo) };
}

/** The spend maximising envelope(s) − λ·s over the slot's bounds. */
function demand(slot: FlexibleSlot, lambda: number): number {
  const { tangentUsd, lineSlope } = slot.envelope;
  if (tangentUsd > slot.lo && lambda >= lineSlope) return slot.lo;
  const marginal = slot.response.curve.marginal;
  let left = tangentUsd;
  let right = slot.hi;
  if (marginal(left) <= lambda) return left;
  if (marginal(right) >= lambda) return right;
  for (let i = 0; i < 200 && right - left > 1e-13 * Math.max(1, right); i++) {
    const mid = (left + right) / 2;
    if (marginal(mid) > lambda) left = mid;
    else right = mid;
  }
  return (left + right) / 2;
}

interface Candidate {
  readonly spends: number[];
  readonly lambda: number;
}

/**
 * The water-filling solution on the envelopes; with S-shaped curves also its variants with a partner
 * left on a straight part moved to the feasible ends of it, and the status quo when feasible; the
 * candidate with the highest true value, polished by pairwise transfers when any curve is not concave.
 */
function bestAllocation(slots: readonly FlexibleSlot[], budget: number): Candidate {
  const envelopeSolution = waterFill(slots, budget);
  if (slots.every((slot) => slot.envelope.tangentUsd <= slot.lo)) return envelopeSolution;
  const candidates = [envelopeSolution];
  const low = slots.reduce((sum, slot) => sum + slot.lo, 0);
  const high = slots.reduce((sum, slot) => sum + slot.hi, 0);
  slots.forEach((slot, i) => {
    const spend = envelopeSolution.spends[i] as number;
    const tolerance = BOUND_TOLERANCE * Math.max(1, slot.envelope.tangentUsd);
    if (spend <= slot.lo + tolerance || spend >= slot.envelope.tangentUsd - tolerance) return;
    const from = Math.max(slot.lo, budget - (high - slot.hi));
    const to = Math.min(slot.envelope.tangentUsd, budget - (low - slot.lo));
    for (const end of from < to ? [from, to] : []) {
      candidates.push(
        waterFill(
          slots.map((s, j) => (j === i ? pinAt(s, end) : s)),
          budget,
        ),
      );
    }
  });
  if (
    Math.abs(slots.reduce((sum, slot) => sum + slot.currentUsd, 0) - budget) <= BUDGET_TOLERANCE_USD &&
    slots.every((slot) => slot.currentUsd >= slot.lo && slot.currentUsd <= slot.hi)
  ) {
    candidates.push({ spends: slots.map((slot) => slot.currentUsd), lambda: envelopeSolution.lambda });
  }
  const totalValue = (c: Candidate) =>
    c.spends.reduce((sum, s, i) => sum + (slots[i] as FlexibleSlot).response.curve.value(s), 0);
  const best = candidates.reduce((top, c) => (totalValue(c) > totalValue(top) ? c : top));
  return { spends: polish(slots, best.spends), lambda: best.lambda };
}

/** Sweeps of pairwise transfers {@link polish} makes at most. */
const MAX_POLISH_SWEEPS = 50;

/**
 * Local search on the true curves: for every ordered pair, the transfer from one partner to the other
 * that most raises their joint value, found by a grid and a golden-section refinement because a convex
 * piece can put the best transfer at either end or inside. It repairs what the envelope relaxation
 * gets wrong, such as two partners both on convex pieces where all of the money belongs with one.
 */
function polish(slots: readonly FlexibleSlot[], start: readonly number[]): number[] {
  const spends = [...start];
  const value = (i: number, spend: number) => (slots[i] as FlexibleSlot).response.curve.value(spend);
  const scale = Math.max(1, Math.abs(spends.reduce((sum, s, i) => sum + value(i, s), 0)));
  for (let sweep = 0; sweep < MAX_POLISH_SWEEPS; sweep++) {
    let improved = false;
    for (let i = 0; i < slots.length; i++) {
      for (let j = 0; j < slots.length; j++) {
        const from = spends[i] as number;
        const to = spends[j] as number;
        const room = Math.min(from - (slots[i] as FlexibleSlot).lo, (slots[j] as FlexibleSlot).hi - to);
        if (i === j || !(room > 0)) continue;
        const before = value(i, from) + value(j, to);
        const gain = (amount: number) => value(i, from - amount) + value(j, to + amount) - before;
        const amount = maximizeOnInterval(gain, room);
        if (gain(amount) > 1e-12 * scale) {
          spends[i] = Math.max((slots[i] as FlexibleSlot).lo, from - amount);
          spends[j] = Math.min((slots[j] as FlexibleSlot).hi, to + amount);
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return spends;
}

/** The maximiser of `f` on [0, length]: the best of a 24-point grid, refined by golden section around it. */
function maximizeOnInterval(f: (x: number) => number, length: number): number {
  const points = 24;
  let bestIndex = 0;
  let bestValue = f(0);
  for (let k = 1; k <= points; k++) {
    const v = f((k / points) * length);
    if (v > bestValue) {
      bestIndex = k;
      bestValue = v;
    }
  }
  let left = (Math.max(0, bestIndex - 1) / points) * length;
  let right = (Math.min(points, bestIndex + 1) / points) * length;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 60 && right - left > 1e-12 * Math.max(1, length); k++) {
    const a = right - ratio * (right - left);
    const b = left + ratio * (right - left);
    if (f(a) >= f(b)) right = b;
    else left = a;
  }
  const refined = (left + right) / 2;
  const best = (bestIndex / points) * length;
  return f(refined) > bestValue ? refined : best;
}

/** The slot held at `spendUsd`, a spend inside its bounds. */
function pinAt(slot: FlexibleSlot, spendUsd: number): FlexibleSlot {
  return { ...slot, lo: spendUsd, hi: spendUsd, envelope: { tangentUsd: spendUsd, lineSlope: 0 } };
}

/**
 * Bisection on λ until the envelope demands bracket the budget within rounding, then interpolation
 * between the two bracketing demand vectors, which also splits the budget across a straight envelope
 * part, whose demand jumps at λ = its slope; what rounding leaves over goes to partners with room.
 */
function waterFill(slots: readonly FlexibleSlot[], budget: number): Candidate {
  const demandsAt = (lambda: number) => slots.map((slot) => demand(slot, lambda));
  const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);
  let low = 1;
  let high = 1;
  for (let i = 0; i < 1000 && sum(demandsAt(high)) > budget; i++) high *= 2;
  for (let i = 0; i < 1000 && sum(demandsAt(low)) < budget; i++) low /= 2;
  for (let i = 0; i < 300 && high > low * (1 + 1e-15); i++) {
    const mid = low > 0 ? Math.sqrt(low * high) : high / 2;
    if (sum(demandsAt(mid)) >= budget) low = mid;
    else high = mid;
  }
  const atLow = demandsAt(low);
  const atHigh = demandsAt(high);
  const totalLow = sum(atLow);
  const totalHigh = sum(atHigh);
  const share =
    totalLow > totalHigh ? Math.min(1, Math.max(0, (budget - totalHigh) / (totalLow - totalHigh))) : 0;
  const spends = atHigh.map((h, i) => h + share * ((atLow[i] as number) - h));
  settleResidual(slots, spends, budget);
  return { spends, lambda: low > 0 ? Math.sqrt(low * high) : high };
}

/** Moves what rounding left between the spends and the budget onto the partners with room, best marginal first. */
function settleResidual(slots: readonly FlexibleSlot[], spends: number[], budget: number): void {
  let residual = budget - spends.reduce((total, v) => total + v, 0);
  const order = slots
    .map((slot, i) => ({ i, marginal: slot.response.curve.marginal(spends[i] as number) }))
    .sort((x, y) => (residual > 0 ? y.marginal - x.marginal : x.marginal - y.marginal));
  for (const { i } of order) {
    if (residual === 0) break;
    const slot = slots[i] as FlexibleSlot;
    const spend = spends[i] as number;
    const moved = residual > 0 ? Math.min(residual, slot.hi - spend) : Math.max(residual, slot.lo - spend);
    spends[i] = spend + moved;
    residual -= moved;
  }
}
