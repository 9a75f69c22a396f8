/**
 * The budget recommender's settings, the `budget` of the run configuration: how far the allocator
 * may move each partner's spend, and over which window and horizon spend is valued.
 */
import { z } from 'zod';
import { LTV_HORIZONS_DAYS } from './tables-recommend.ts';

/**
 * A change of a partner's spend smaller than this fraction of current spend reads as "keep": in the
 * recommendations' reasons, and wherever the publications ask whether a recommendation raises or cuts.
 */
export const KEEP_BAND = 0.005;

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
/** The allocator's settings after defaults are applied. */
export type AllocationConfig = z.output<typeof AllocationConfigSchema>;
/** The allocator's settings as written (defaults may be left out). */
export type AllocationConfigInput = z.input<typeof AllocationConfigSchema>;

/** The recommender's configuration: the allocator's settings plus the response-curve window. */
export const RecommendConfigSchema = AllocationConfigSchema.extend({
  /** Days of spend and acquisition the response curves are fitted on, ending on R. @default 56 */
  curveWindowDays: z.number().int().min(7).max(365).default(56),
});
/** The recommender's settings after defaults are applied. */
export type RecommendConfig = z.output<typeof RecommendConfigSchema>;
