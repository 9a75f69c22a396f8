/**
 * The allocator's vocabulary: what it is told about each partner, what it answers, and how its
 * solver holds a partner while solving (its configuration is contract/recommend-config.ts, part of
 * the run configuration). The solver is allocate.ts; what each answer means (binding constraint,
 * confidence) is worked out in allocation-explanation.ts.
 */
import { z } from 'zod';
import type { AllocationConfig } from '../contract/recommend-config.ts';
import type { Interval, SpendRange } from './response-curve.ts';

/** Why a partner's recommendation sits where it does (docs/contract.md, budget_recommendations). */
export const BINDING_CONSTRAINTS = [
  'none',
  'max_change',
  'registry_min',
  'registry_max',
  'paused',
  'insufficient_data',
  'extrapolation_limit',
  'quality_hold',
] as const;
export type BindingConstraint = (typeof BINDING_CONSTRAINTS)[number];

/** How far a recommendation can be trusted (docs/contract.md, budget_recommendations). */
export const CONFIDENCE_LEVELS = ['high', 'medium', 'low', 'insufficient_data'] as const;
export type ConfidenceLevel = (typeof CONFIDENCE_LEVELS)[number];

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
    /**
     * The partner's traffic-quality flags of R (partner_quality.flags, e.g. `bonus_abuse`); with any,
     * the partner gets no increase beyond its current spend, or its registry minimum when that is more.
     */
    qualityFlags: z.array(z.string().min(1)).default([]),
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
/** A partner as parsed, registry bounds defaulted to null. */
export type PartnerBudget = z.output<typeof PartnerBudgetInputSchema>;

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
  /** The traffic-quality flags that held the partner to no increase; empty for an unflagged partner. */
  readonly qualityFlags: readonly string[];
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

/** The outcome of `allocateBudget` (allocate.ts). */
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

/** Relative tolerance for "at a bound": where the solver and the explanation agree a spend sits on one. */
export const BOUND_TOLERANCE = 1e-9;

/** What set a lower bound: a constraint, or `zero`, spend's own floor, which no constraint sets. */
export type LowerSource = BindingConstraint | 'zero';

/** A partner the solver may move between its bounds, each kept with what set it so the binding one can be named. */
export interface FlexibleSlot {
  readonly kind: 'flexible';
  readonly currentUsd: number;
  readonly lo: number;
  readonly hi: number;
  readonly loSource: LowerSource;
  readonly hiSource: BindingConstraint;
  readonly response: PartnerResponse;
  readonly envelope: Envelope;
}

/** A partner the solver leaves at one spend, and why. */
export interface PinnedSlot {
  readonly kind: 'pinned';
  readonly spendUsd: number;
  readonly reason: BindingConstraint;
}

/** How the solver holds one partner. */
export type Slot = FlexibleSlot | PinnedSlot;

/**
 * The least concave majorant of a curve over [lo, hi], for curves convex below an inflection point and
 * concave above it: a straight line from (lo, f(lo)) to the tangent point, then the curve itself.
 */
export interface Envelope {
  /** Where the straight part ends; equal to `lo` when the curve is concave over the whole box. */
  readonly tangentUsd: number;
  /** Slope of the straight part. */
  readonly lineSlope: number;
}
