import { z } from 'zod';
import { LTV_HORIZONS_DAYS } from './ltv-forecast.ts';
import { parseInput } from './parse-input.ts';
import {
  hillInflectionSpend,
  hillMarginalValue,
  hillValue,
  type Interval,
  marginalRoasInterval,
  type ResponseCurveFit,
  type SpendRange,
} from './response-curve.ts';

/** Why a partner's recommendation sits where it does (docs/contract.md, budget_recommendations). */
export const BINDING_CONSTRAINTS = [
  'none',
  'max_change',
  'registry_min',
  'registry_max',
  'paused',
  'insufficient_data',
  'extrapolation_limit',
] as const;
export type BindingConstraint = (typeof BINDING_CONSTRAINTS)[number];

/** How far a recommendation can be trusted (docs/contract.md, budget_recommendations). */
export const CONFIDENCE_LEVELS = ['high', 'medium', 'low', 'insufficient_data'] as const;
export type ConfidenceLevel = (typeof CONFIDENCE_LEVELS)[number];

/** Settings of one allocation run. */
export const AllocationConfigSchema = z.object({
  /**
   * The daily budget to allocate, USD.
   * @default - the sum of the partners' current daily spend (budget-neutral)
   */
  totalBudgetUsd: z.number().nonnegative().optional(),
  /**
   * The largest change of a partner's spend in one run, as a fraction of its current spend.
   * @default 0.3
   */
  maxChangePct: z.number().nonnegative().default(0.3),
  /**
   * The most a partner with a response curve but no current spend may be given, USD per day.
   * @default 50
   */
  startingBudgetUsd: z.number().nonnegative().default(50),
  /**
   * The horizon, in days from signup, of the net revenue the response curves measure.
   * @default 180
   */
  valueHorizonDays: z
    .union(
      LTV_HORIZONS_DAYS.map((d) => z.literal(d)) as [z.ZodLiteral<90>, z.ZodLiteral<180>, z.ZodLiteral<365>],
    )
    .default(180),
  /**
   * Days of spend data below which a partner is kept at its current spend.
   * @default 14
   */
  minDataDays: z.number().int().nonnegative().default(14),
  /**
   * The marginal ROAS below which spend loses money at the valued horizon.
   * @default 1.0
   */
  targetRoas: z.number().positive().default(1.0),
});
export type AllocationConfig = z.output<typeof AllocationConfigSchema>;
export type AllocationConfigInput = z.input<typeof AllocationConfigSchema>;

/** A daily value-per-spend curve: how much value a day's spend acquires, and its slope. */
export interface SpendResponse {
  /** Daily value acquired at `spendUsd` of daily spend, USD. */
  value(spendUsd: number): number;
  /** d value / d spend at `spendUsd`: the marginal ROAS. */
  marginal(spendUsd: number): number;
  /** Below this spend the curve is convex (0 for a concave curve). */
  readonly inflectionSpendUsd: number;
}

/** What the allocator knows about a partner's response to spend. */
export interface PartnerResponse {
  /** The fitted curve. */
  readonly curve: SpendResponse;
  /** The spend over which the curve is trusted; the allocator does not move a partner beyond it. */
  readonly trustedSpendRange: SpendRange;
  /** Share of the variance of daily value the curve explains. */
  readonly rSquared: number;
  /** An uncertainty interval of the marginal ROAS at a given spend, when the fit provides one. */
  readonly marginalRoasInterval?: (spendUsd: number) => Interval;
}

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

const isPartnerResponse = (value: unknown): value is PartnerResponse => {
  const response = value as Partial<PartnerResponse> | null;
  return (
    typeof response === 'object' &&
    response !== null &&
    typeof response.curve?.value === 'function' &&
    typeof response.curve.marginal === 'function' &&
    typeof response.rSquared === 'number' &&
    typeof response.trustedSpendRange?.minUsd === 'number'
  );
};

/** One partner as the allocator sees it. */
export const PartnerBudgetInputSchema = z
  .object({
    /** The partner's registry id. */
    partnerId: z.string().min(1),
    /** Registry status; a paused partner is recommended 0. */
    status: z.enum(['active', 'paused']),
    /** Current daily spend, USD. */
    currentSpendUsd: z.number().nonnegative(),
    /** Registry minimum daily budget, USD; null when the registry sets none. */
    minDailyBudgetUsd: z.number().nonnegative().nullable().default(null),
    /** Registry maximum daily budget, USD; null when the registry sets none. */
    maxDailyBudgetUsd: z.number().nonnegative().nullable().default(null),
    /** Days with spend data in the trailing window the response curve was fitted on. */
    spendDataDays: z.number().int().nonnegative(),
    /** The fitted response, or null when none could be fitted. */
    response: z
      .custom<PartnerResponse>(isPartnerResponse, 'response must be a PartnerResponse or null')
      .nullable(),
  })
  .refine(
    (p) =>
      p.minDailyBudgetUsd === null ||
      p.maxDailyBudgetUsd === null ||
      p.minDailyBudgetUsd <= p.maxDailyBudgetUsd,
    {
      message: 'minDailyBudgetUsd is above maxDailyBudgetUsd',
      path: ['minDailyBudgetUsd'],
    },
  );
export type PartnerBudgetInput = z.input<typeof PartnerBudgetInputSchema>;
type PartnerBudget = z.output<typeof PartnerBudgetInputSchema>;

/** The recommendation for one partner. */
export interface PartnerAllocation {
  readonly partnerId: string;
  readonly status: 'active' | 'paused';
  readonly currentSpendUsd: number;
  readonly recommendedSpendUsd: number;
  /** (recommended − current) / current as a fraction; null when current spend is 0 and recommended is not. */
  readonly changePct: number | null;
  /** Marginal ROAS at the recommended spend; null without a trusted curve. */
  readonly expectedMarginalRoas: number | null;
  /** Marginal ROAS at the current spend; null without a trusted curve. */
  readonly currentMarginalRoas: number | null;
  /** Uncertainty interval of `expectedMarginalRoas`; null when the curve provides none. */
  readonly marginalRoasInterval: Interval | null;
  /** Expected daily value at the recommended spend, USD; null without a trusted curve. */
  readonly expectedValueUsd: number | null;
  /** The constraint that stopped the optimizer moving the partner further, or `none`. */
  readonly boundBy: BindingConstraint;
  readonly confidence: ConfidenceLevel;
  /** Days of spend data behind the curve. */
  readonly spendDataDays: number;
}

/** Whether the partners' bounds could meet the total budget. */
export type BudgetFeasibility =
  | { readonly feasible: true }
  | {
      readonly feasible: false;
      /** Which side of the bounds failed: the minimums exceed the total, or the maximums fall short of it. */
      readonly binding: 'minimums_exceed_total' | 'maximums_below_total';
      /** The per-partner constraints behind the failing side, most frequent first. */
      readonly constraints: readonly BindingConstraint[];
      /** One sentence saying what happened. */
      readonly message: string;
    };

/** The outcome of {@link allocateBudget}. */
export interface AllocationResult {
  /** One recommendation per input partner, in input order. */
  readonly partners: readonly PartnerAllocation[];
  /** The total that was to be allocated, USD per day. */
  readonly totalBudgetUsd: number;
  /** The sum of the recommendations, USD per day; equals the total when feasible. */
  readonly allocatedUsd: number;
  readonly feasibility: BudgetFeasibility;
  /**
   * The marginal ROAS every unconstrained partner is brought to: the Lagrange multiplier of the budget
   * (for S-shaped curves, of the concave-envelope solution); null when the bounds could not meet the
   * total or no partner could be moved.
   */
  readonly marginalRoasOfBudget: number | null;
  /** The configuration the run used, defaults filled in. */
  readonly config: AllocationConfig;
}

/** Relative tolerance for "at a bound". */
const BOUND_TOLERANCE = 1e-9;

/** How far, in USD per day, the bounds may miss the total before the allocation counts as infeasible. */
const BUDGET_TOLERANCE_USD = 1e-7;

/**
 * Allocates the next period's daily budget across partners to maximise total expected value.
 *
 * Paused partners get 0 and partners with too little data (or no curve) stay at their current spend,
 * clamped into their registry bounds. Every other partner may move within the intersection of, in
 * order of precedence, its registry [min, max], the maximum change per run (up to the starting budget
 * from 0) and the spend its curve is trusted over, widened to include the current spend; a later
 * constraint that cannot be met together with the earlier ones gives way to them.
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
    feasibility = infeasibility(slots, flexible, short, total, pinnedSum + (short ? maximum : minimum));
  } else {
    const best = bestAllocation(flexible, Math.min(Math.max(budget, minimum), maximum));
    spends = best.spends;
    lambda = flexible.length > 0 ? best.lambda : null;
  }

  const spendOf = new Map(flexible.map((slot, i) => [slot, spends[i] as number]));
  const allocations = slots.map((slot, i) =>
    describe(
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

type LowerSource = BindingConstraint | 'zero';

interface FlexibleSlot {
  readonly kind: 'flexible';
  readonly currentUsd: number;
  readonly lo: number;
  readonly hi: number;
  readonly loSource: LowerSource;
  readonly hiSource: BindingConstraint;
  readonly response: PartnerResponse;
  readonly envelope: Envelope;
}

interface PinnedSlot {
  readonly kind: 'pinned';
  readonly spendUsd: number;
  readonly reason: BindingConstraint;
}

type Slot = FlexibleSlot | PinnedSlot;

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

/**
 * The least concave majorant of a curve over [lo, hi], for curves convex below an inflection point and
 * concave above it: a straight line from (lo, f(lo)) to the tangent point, then the curve itself.
 */
interface Envelope {
  /** Where the straight part ends; equal to `lo` when the curve is concave over the whole box. */
  readonly tangentUsd: number;
  /** Slope of the straight part. */
  readonly lineSlope: number;
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

function infeasibility(
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

function describe(
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
